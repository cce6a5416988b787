using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>LIST (with LIST-EXTENDED, RFC 5258; SPECIAL-USE, RFC 6154; LIST-STATUS, RFC 5819) and LSUB.</summary>
internal sealed class ListHandler(ImapSessionContext session)
{
    private static readonly string[] DefaultMailboxes = [MailboxName.Inbox, "Drafts", "Sent", "Trash", "Junk", "Archive"];

    public async Task<string?> ListAsync(ListRequest request)
    {
        var lsub = request.Lsub;
        var verb = lsub ? "LSUB" : "LIST";
        if (request.Patterns.Count == 1 && request.Patterns[0].Length == 0)
        {
            // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter.
            await session.WriteLineAsync($"* {verb} (\\Noselect) \"/\" \"\"").ConfigureAwait(false);
            return $"{verb} completed";
        }

        var mailboxes = await ListWithDefaultsAsync().ConfigureAwait(false);
        var byName = mailboxes.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var matchers = request.Patterns.Select(p => PatternMatcher(request.Reference, p)).OfType<MailboxPattern>().ToList();

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
            var subscribed = info?.Subscribed ?? false;
            var childSubscribed = request.RecursiveMatch && HasBelow(subscribedNames ??= new SortedSet<string>(mailboxes.Where(m => m.Subscribed).Select(m => m.Name), StringComparer.Ordinal), name);
            if ((request.SelectSubscribed && !subscribed && !childSubscribed) || (request.SelectSpecialUse && (info is null || info.SpecialUse == SpecialUse.None)))
            {
                continue;
            }

            WriteListResponse(request, verb, name, info, HasBelow(names, name), subscribed, childSubscribed && !subscribed);
            if (request.ReturnStatus is { } items && info is not null)
            {
                StatusResponse.Write(session, info, items);
            }
        }

        return $"{verb} completed";
    }

    private void WriteListResponse(ListRequest request, string verb, string name, MailboxInfo? info, bool hasChildren, bool subscribed, bool onlyChildSubscribed)
    {
        var attributes = new List<string>();
        if (info is null)
        {
            attributes.Add(request.Lsub ? "\\Noselect" : "\\NonExistent");
        }

        if (request.ReturnChildren)
        {
            attributes.Add(hasChildren ? "\\HasChildren" : "\\HasNoChildren");
        }

        if ((request.ReturnSubscribed || (request.SelectSubscribed && !request.Lsub)) && subscribed)
        {
            attributes.Add("\\Subscribed");
        }

        if (request.ReturnSpecialUse && info is not null && info.SpecialUse != SpecialUse.None && !request.Lsub)
        {
            attributes.Add("\\" + info.SpecialUse);
        }

        var output = session.Out;
        output.Raw($"* {verb} ({string.Join(' ', attributes)}) \"/\" ");
        output.AString(ModifiedUtf7.Encode(name));
        if (onlyChildSubscribed)
        {
            output.Raw(" (\"CHILDINFO\" (\"SUBSCRIBED\"))");
        }

        output.CrLf();
    }

    /// <summary>
    /// The user's mailboxes, with INBOX (which always exists, RFC 3501 §5.1) and the special-use folders created and
    /// subscribed the first time a client lists, as Dovecot's "auto = subscribe" does, so clients find \Sent and \Trash.
    /// </summary>
    private async Task<MailboxInfo[]> ListWithDefaultsAsync()
    {
        var grain = session.Grain;
        var mailboxes = await grain.ListMailboxesAsync().ConfigureAwait(false);
        var missing = DefaultMailboxes.Where(d => !mailboxes.Any(m => string.Equals(m.Name, d, StringComparison.Ordinal))).ToList();
        if (missing.Count == 0 || mailboxes.Length > DefaultMailboxes.Length * 4)
        {
            return mailboxes;
        }

        try
        {
            foreach (var name in missing)
            {
                await grain.GetMailboxAsync(name).ConfigureAwait(false);
                await grain.SetSubscriptionAsync(name, true).ConfigureAwait(false);
            }
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.Limit)
        {
            // A user at the mailbox limit still gets a listing, without the defaults that no longer fit.
        }

        return await grain.ListMailboxesAsync().ConfigureAwait(false);
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
}
