using System.Text;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>Mailbox commands: SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (with LIST-EXTENDED), LSUB, STATUS, CLOSE, UNSELECT, CHECK.</summary>
internal sealed partial class ImapSession
{
    /// <summary>A mailbox name from the wire: modified UTF-7 decoded, INBOX in any case normalised, a trailing delimiter dropped.</summary>
    /// <summary>A mailbox the client named: an empty name is refused as no mailbox at all (NO, not BAD).</summary>
    private static string RequireMailbox(string name) => name.Length > 0 ? name : throw new ImapNoException("CANNOT", "Empty mailbox name");

    private static string Wire(string name) => ModifiedUtf7.Encode(name);

    internal async Task<string?> SelectAsync(SelectRequest request)
    {
        var name = RequireMailbox(request.Mailbox);
        var readOnly = request.ReadOnly;
        if (request.Qresync is not null && !_qresync)
        {
            throw new ImapSyntaxException("QRESYNC must be enabled first (ENABLE QRESYNC)");
        }

        if (request.CondStore)
        {
            EnableCondStore();
        }

        if (_qresync && _state is SelectedState)
        {
            // RFC 7162 §3.2.11: tells the client where the old mailbox's responses end.
            _out.Raw("* OK [CLOSED] Previous mailbox closed\r\n");
        }

        // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1).
        _state = new AuthenticatedState(User);
        MailboxInfo info;
        MessageView[] messages;
        try
        {
            info = await Grain.GetMailboxAsync(name).ConfigureAwait(false);
            messages = await Grain.FetchAsync(info.Id, UidSet.Range(1, uint.MaxValue - 1)).ConfigureAwait(false);
        }
        catch (Errors.MailStoreException e) when (e.Kind == Errors.MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("NONEXISTENT", "No such mailbox");
        }

        var view = new SelectedMailbox(info, readOnly);
        foreach (var message in messages)
        {
            view.Add(message);
            view.SyncedModSeq = Math.Max(view.SyncedModSeq, message.ModSeq);
        }

        // EXAMINE only looks (RFC 3501 §6.3.2: it must not take \Recent away from anyone); SELECT claims.
        view.MarkRecentFrom(await Grain.ClaimRecentAsync(info.Id, readOnly ? 0 : view.LargestUid).ConfigureAwait(false));
        var keywords = messages.SelectMany(m => m.Keywords).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var keywordList = keywords.Count == 0 ? "" : " " + string.Join(' ', keywords);
        _out.Raw($"* FLAGS ({ImapFormat.SystemFlags}{keywordList})\r\n");
        _out.Raw(readOnly
            ? "* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n"
            : $"* OK [PERMANENTFLAGS ({ImapFormat.SystemFlags}{keywordList} \\*)] Flags permitted\r\n");
        _out.Raw($"* {view.Count} EXISTS\r\n* {view.RecentCount} RECENT\r\n");
        var firstUnseen = messages.Select((m, i) => (m, i)).FirstOrDefault(p => !p.m.Flags.HasFlag(MessageFlags.Seen));
        if (firstUnseen.m is not null)
        {
            _out.Raw($"* OK [UNSEEN {firstUnseen.i + 1}] First unseen\r\n");
        }

        _out.Raw($"* OK [UIDVALIDITY {info.UidValidity}] UIDs valid\r\n* OK [UIDNEXT {info.UidNext}] Predicted next UID\r\n");
        _out.Raw($"* OK [HIGHESTMODSEQ {Math.Max(1, view.SyncedModSeq)}] Highest\r\n");
        _out.Raw($"* OK [MAILBOXID (F{info.Id:N})] Ok\r\n");
        _state = new SelectedState(User, view);
        if (request.Qresync is { } q)
        {
            await WriteQuickResyncAsync(view, q.UidValidity, q.ModSeq, q.KnownUids).ConfigureAwait(false);
        }

        await ResubscribeIfDueAsync(force: true).ConfigureAwait(false);
        view.Dirty = false;
        view.SavedResult = [];
        return readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed";
    }

    internal async Task<string?> CloseAsync(PlainRequest request)
    {
        var expunge = request.Name == "CLOSE";
        var view = View!;
        _state = new AuthenticatedState(User);
        if (expunge && !view.ReadOnly)
        {
            // RFC 3501 §6.4.2: CLOSE expunges silently.
            await Grain.ExpungeAsync(view.Id).ConfigureAwait(false);
        }

        return expunge ? "CLOSE completed" : "UNSELECT completed";
    }

    internal async Task<string?> CheckAsync(PlainRequest request)
    {
        View!.Dirty = true;
        await Task.CompletedTask.ConfigureAwait(false);
        return "CHECK completed";
    }

    internal async Task<string?> CreateAsync(CreateRequest request)
    {
        var name = RequireMailbox(request.Mailbox);
        var use = request.UseAttribute is { } attribute
            ? SpecialUseOf(attribute) ?? throw new ImapNoException("USEATTR", "Unsupported special-use attribute")
            : SpecialUse.None;
        if (MailboxName.IsInbox(name))
        {
            throw new ImapNoException("ALREADYEXISTS", "INBOX always exists");
        }

        if (!MailboxName.IsValid(name))
        {
            throw new ImapNoException("CANNOT", "Invalid mailbox name");
        }

        var created = await Grain.CreateMailboxAsync(name, use).ConfigureAwait(false);
        return $"[MAILBOXID (F{created.Id:N})] CREATE completed";
    }

    internal async Task<string?> DeleteAsync(MailboxRequest request)
    {
        var name = RequireMailbox(request.Mailbox);
        if (MailboxName.IsInbox(name))
        {
            throw new ImapNoException("CANNOT", "INBOX cannot be deleted");
        }

        if (View is { } view && view.Name == name)
        {
            _state = new AuthenticatedState(User);
        }

        await Grain.DeleteMailboxAsync(name).ConfigureAwait(false);
        return "DELETE completed";
    }

    internal async Task<string?> RenameAsync(RenameRequest request)
    {
        var from = RequireMailbox(request.From);
        var to = RequireMailbox(request.To);
        if (!MailboxName.IsValid(to) || MailboxName.IsInbox(to))
        {
            throw new ImapNoException("CANNOT", "Invalid new mailbox name");
        }

        await Grain.RenameMailboxAsync(from, to).ConfigureAwait(false);
        return "RENAME completed";
    }

    internal async Task<string?> SubscribeAsync(MailboxRequest request)
    {
        var name = RequireMailbox(request.Mailbox);
        var subscribe = request.Name == "SUBSCRIBE";
        await Grain.SetSubscriptionAsync(name, subscribe).ConfigureAwait(false);
        return subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed";
    }

    internal async Task<string?> ListAsync(ListRequest request)
    {
        var (lsub, reference, patterns, returnStatus) = (request.Lsub, request.Reference, request.Patterns, request.ReturnStatus);
        var (selectSubscribed, selectSpecialUse, recursiveMatch) = (request.SelectSubscribed, request.SelectSpecialUse, request.RecursiveMatch);
        var (returnSubscribed, returnSpecialUse, returnChildren) = (request.ReturnSubscribed, request.ReturnSpecialUse, request.ReturnChildren);
        var verb = lsub ? "LSUB" : "LIST";
        if (patterns.Count == 1 && patterns[0].Length == 0)
        {
            // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter.
            await WriteLineAsync($"* {verb} (\\Noselect) \"/\" \"\"").ConfigureAwait(false);
            return $"{verb} completed";
        }

        var mailboxes = await ListWithDefaultsAsync().ConfigureAwait(false);
        var byName = mailboxes.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var matchers = patterns.Select(p => PatternMatcher(reference, p)).OfType<MailboxPattern>().ToList();

        // Every existing name plus the parents it implies (they list as \NonExistent / \Noselect).
        SortedSet<string>? subscribedNames = null;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in mailboxes)
        {
            names.Add(m.Name);
            for (var parent = MailboxName.Parent(m.Name); parent is not null; parent = MailboxName.Parent(parent))
            {
                names.Add(parent);
            }
        }

        foreach (var name in names.OrderBy(n => MailboxName.IsInbox(n) ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal))
        {
            if (!matchers.Any(m => m.IsMatch(name)))
            {
                continue;
            }

            byName.TryGetValue(name, out var info);
            var hasChildren = HasBelow(names, name);
            var subscribed = info?.Subscribed ?? false;
            var childSubscribed = recursiveMatch && HasBelow(subscribedNames ??= new SortedSet<string>(mailboxes.Where(m => m.Subscribed).Select(m => m.Name), StringComparer.Ordinal), name);
            if (selectSubscribed && !subscribed && !childSubscribed)
            {
                continue;
            }

            if (selectSpecialUse && (info is null || info.SpecialUse == SpecialUse.None))
            {
                continue;
            }

            var attributes = new List<string>();
            if (info is null)
            {
                attributes.Add(lsub ? "\\Noselect" : "\\NonExistent");
            }

            if (returnChildren)
            {
                attributes.Add(hasChildren ? "\\HasChildren" : "\\HasNoChildren");
            }

            if ((returnSubscribed || (selectSubscribed && !lsub)) && subscribed)
            {
                attributes.Add("\\Subscribed");
            }

            if (returnSpecialUse && info is not null && info.SpecialUse != SpecialUse.None && !lsub)
            {
                attributes.Add("\\" + info.SpecialUse);
            }

            _out.Raw($"* {verb} ({string.Join(' ', attributes)}) \"/\" ");
            _out.AString(Wire(name));
            if (childSubscribed && !subscribed)
            {
                _out.Raw(" (\"CHILDINFO\" (\"SUBSCRIBED\"))");
            }

            _out.CrLf();
            if (returnStatus is not null && info is not null)
            {
                WriteStatus(info, returnStatus);
            }
        }

        return $"{verb} completed";
    }

    private static readonly string[] DefaultMailboxes = [MailboxName.Inbox, "Drafts", "Sent", "Trash", "Junk", "Archive"];

    /// <summary>
    /// The user's mailboxes, with INBOX (which always exists, RFC 3501 §5.1) and the special-use folders created and
    /// subscribed the first time a client lists, as Dovecot's "auto = subscribe" does, so clients find \Sent and \Trash.
    /// </summary>
    private async Task<MailboxInfo[]> ListWithDefaultsAsync()
    {
        var mailboxes = await Grain.ListMailboxesAsync().ConfigureAwait(false);
        var missing = DefaultMailboxes.Where(d => !mailboxes.Any(m => string.Equals(m.Name, d, StringComparison.Ordinal))).ToList();
        if (missing.Count == 0 || mailboxes.Length > DefaultMailboxes.Length * 4)
        {
            return mailboxes;
        }

        try
        {
            foreach (var name in missing)
            {
                await Grain.GetMailboxAsync(name).ConfigureAwait(false);
                await Grain.SetSubscriptionAsync(name, true).ConfigureAwait(false);
            }
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.Limit)
        {
            // A user at the mailbox limit still gets a listing, without the defaults that no longer fit.
        }

        return await Grain.ListMailboxesAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a sorted set holds a name below <paramref name="name"/>: ordinally they lie between "name/" and
    /// "name0" ('0' follows the delimiter; only "name0" itself is there and not below), so this is one range
    /// lookup, not a scan per listed name.
    /// </summary>
    private static bool HasBelow(SortedSet<string> sorted, string name)
    {
        var after = name + (char)(MailboxName.Delimiter + 1);
        var view = sorted.GetViewBetween(name + MailboxName.Delimiter, after);
        return view.Min is { } first && !string.Equals(first, after, StringComparison.Ordinal);
    }

    private static MailboxPattern? PatternMatcher(string reference, string pattern) =>
        ModifiedUtf7.TryDecode(pattern, out var decoded) ? MailboxPattern.Create(reference + decoded) : throw new ImapSyntaxException("Pattern is not valid modified UTF-7");

    internal async Task<string?> StatusAsync(StatusRequest request)
    {
        var name = RequireMailbox(request.Mailbox);
        var items = request.Items;

        MailboxInfo info;
        try
        {
            info = await Grain.GetMailboxAsync(name).ConfigureAwait(false);
        }
        catch (Errors.MailStoreException e) when (e.Kind == Errors.MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("NONEXISTENT", "No such mailbox");
        }

        WriteStatus(info, items);
        return "STATUS completed";
    }

    /// <summary>One STATUS response (also sent for each mailbox by LIST ... RETURN (STATUS ...), RFC 5819).</summary>
    private void WriteStatus(MailboxInfo info, IReadOnlyList<string> items)
    {
        var values = new List<string>();
        foreach (var item in items)
        {
            values.Add(item switch
            {
                "MESSAGES" => $"MESSAGES {info.Messages}",
                "RECENT" => $"RECENT {info.Recent}",
                "UIDNEXT" => $"UIDNEXT {info.UidNext}",
                "UIDVALIDITY" => $"UIDVALIDITY {info.UidValidity}",
                "UNSEEN" => $"UNSEEN {info.Unseen}",
                "SIZE" => $"SIZE {info.Size}",
                "HIGHESTMODSEQ" => $"HIGHESTMODSEQ {Math.Max(1, info.HighestModSeq)}",
                "MAILBOXID" => $"MAILBOXID (F{info.Id:N})",
                _ => throw new ImapSyntaxException($"Unknown STATUS item {item}"),
            });
        }

        if (items.Contains("HIGHESTMODSEQ"))
        {
            EnableCondStore(); // RFC 7162 §3.1: a CONDSTORE-enabling command
        }

        _out.Raw("* STATUS ");
        _out.AString(Wire(info.Name));
        _out.Raw($" ({string.Join(' ', values)})\r\n");
    }

    private static SpecialUse? SpecialUseOf(string attribute) => attribute.ToUpperInvariant() switch
    {
        "\\DRAFTS" => SpecialUse.Drafts,
        "\\SENT" => SpecialUse.Sent,
        "\\TRASH" => SpecialUse.Trash,
        "\\JUNK" => SpecialUse.Junk,
        "\\ARCHIVE" => SpecialUse.Archive,
        "\\ALL" => SpecialUse.All,
        "\\FLAGGED" => SpecialUse.Flagged,
        _ => null,
    };
}
