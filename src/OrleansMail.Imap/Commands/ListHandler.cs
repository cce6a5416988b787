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
        if (request.Patterns.Any(p => MayReachShared(request.Reference + p)))
        {
            mailboxes = [.. mailboxes, .. await SharedMailboxesAsync().ConfigureAwait(false)];
        }

        var byName = mailboxes.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var matchers = request.Patterns.Select(p => PatternMatcher(request.Reference, p, session.Extensions.Utf8Names)).OfType<MailboxPattern>().ToList();

        // Subscriptions outlive their mailboxes (RFC 3501 §6.3.6): what selects by subscription reads them all.
        var subscriptions = new SortedSet<string>(
            request.SelectSubscribed ? await session.Grain.ListSubscriptionsAsync().ConfigureAwait(false) : mailboxes.Where(m => m.Subscribed).Select(m => m.Name),
            StringComparer.Ordinal);

        // Every existing name (and, when selecting by subscription, every subscribed name) plus the parents it
        // implies: those list as \NonExistent, or under LSUB as \Noselect.
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in request.SelectSubscribed ? mailboxes.Select(m => m.Name).Concat(subscriptions) : mailboxes.Select(m => m.Name))
        {
            names.Add(name);
            for (var parent = MailboxName.Parent(name); parent is not null; parent = MailboxName.Parent(parent))
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
            var subscribed = subscriptions.Contains(name);
            var childInfo = false;
            if (request.SelectSubscribed && !subscribed)
            {
                // LSUB lists an unsubscribed parent as \Noselect only when % hid its subscribed child (RFC 3501
                // §6.3.9); RECURSIVEMATCH lists it with CHILDINFO (RFC 5258 §3.5). Otherwise it is not selected.
                var below = Below(subscriptions, name);
                childInfo = request.Lsub ? below.Any(child => !matchers.Any(m => m.IsMatch(child))) : request.RecursiveMatch && below.Any();
                if (!childInfo)
                {
                    continue;
                }
            }

            if (request.SelectSpecialUse && (info is null || info.SpecialUse == SpecialUse.None))
            {
                continue;
            }

            WriteListResponse(request, verb, name, info, HasBelow(names, name), subscribed, childInfo && !request.Lsub);
            if (request.ReturnMyRights && info is not null)
            {
                await WriteMyRightsAsync(name).ConfigureAwait(false);
            }
            if (request.ReturnStatus is { } items && info is not null)
            {
                if (SharedNamespace.TryParse(name, out var owner, out _) && owner != session.User.UserId)
                {
                    info = await StatusResponse.WithOwnSeenAsync(session, owner, info, items).ConfigureAwait(false);
                }

                StatusResponse.Write(session, info, items);
            }
        }

        return $"{verb} completed";
    }

    /// <summary>
    /// RFC 8440: the rights MYRIGHTS would give, after the mailbox's LIST response. The user's own mailboxes are
    /// all its own; another user's are as its owner's grain says now (a mailbox whose rights went between the
    /// listing and this question gets none).
    /// </summary>
    private async Task WriteMyRightsAsync(string name)
    {
        var target = session.Resolve(name);
        var rights = MailboxRights.All;
        if (target.IsShared(session.User.UserId))
        {
            try
            {
                rights = await target.Grain.GetMyRightsAsync(target.Name).ConfigureAwait(false);
            }
            catch (MailStoreException e) when (e.Kind is MailStoreErrorKind.NotFound or MailStoreErrorKind.NoPermission)
            {
                return;
            }
        }

        session.Out.Raw("* MYRIGHTS ").AString(session.WireName(name)).Raw(" ").AString(MailboxRightsText.Format(rights)).CrLf();
    }

    private void WriteListResponse(ListRequest request, string verb, string name, MailboxInfo? info, bool hasChildren, bool subscribed, bool childSubscribed)
    {
        var attributes = new List<string>();
        if (request.Lsub)
        {
            // LSUB has no \NonExistent: a subscribed name lists plainly whether or not it exists; a parent listed
            // only for its subscribed children cannot be selected.
            if (!subscribed)
            {
                attributes.Add("\\Noselect");
            }
        }
        else if (info is null && SharedNamespace.Contains(name))
        {
            // "Shared" and "Shared/bob" are the other users' namespace and its owners, not missing mailboxes: as
            // Dovecot lists them (mbsync tries to open a \NonExistent parent, and skips only \Noselect).
            attributes.Add("\\Noselect");
        }
        else if (info is null)
        {
            attributes.Add("\\NonExistent");
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
        output.AString(session.WireName(name));
        if (childSubscribed)
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

    /// <summary>The mailboxes of every user who has granted this user rights (LIST of the shared namespace).</summary>
    private async Task<MailboxInfo[]> SharedMailboxesAsync() =>
        [.. (await SharedMailboxesAsync(await session.Grain.ListSharedByAsync().ConfigureAwait(false)).ConfigureAwait(false)).Select(s => s.Info)];

    /// <summary>
    /// The mailboxes these owners let this user see (RFC 4314 "l"), named in the shared namespace: one call to each
    /// owner, all at once, each owner's grain choosing what to show. Special use is the owner's, not this user's, so
    /// it is not shown (a client would take another's \Sent for its own). Also what NOTIFY watches of them.
    /// </summary>
    public async Task<(string Owner, MailboxInfo Info)[]> SharedMailboxesAsync(IReadOnlyCollection<string> owners)
    {
        if (owners.Count == 0)
        {
            return [];
        }

        var subscribed = new HashSet<string>(await session.Grain.ListSubscriptionsAsync().ConfigureAwait(false), StringComparer.Ordinal);
        var lists = await Task.WhenAll(owners.Select(async owner =>
        {
            try
            {
                var visible = await session.Services.Grains.GetGrain<IUserGrain>(owner).ListMailboxesAsync().ConfigureAwait(false);
                return visible.Select(m => (owner, m with { Name = SharedNamespace.Name(owner, m.Name), SpecialUse = SpecialUse.None, Subscribed = subscribed.Contains(SharedNamespace.Name(owner, m.Name)) }));
            }
            catch (Exception e) when (ImapErrors.TryDescribe(e, out _))
            {
                // One owner out of reach (or one who took back every right) hides only that owner's mailboxes.
                ImapLog.SharedListFailed(session.Log, e, owner);
                return [];
            }
        })).ConfigureAwait(false);
        return [.. lists.SelectMany(l => l)];
    }

    /// <summary>Whether a LIST pattern can match a name in the shared namespace: its text up to the first wildcard leads there.</summary>
    private static bool MayReachShared(string pattern)
    {
        var wildcard = pattern.IndexOfAny(['*', '%']);
        var literal = wildcard < 0 ? pattern : pattern[..wildcard];
        return SharedNamespace.Prefix.StartsWith(literal, StringComparison.Ordinal) || literal.StartsWith(SharedNamespace.Prefix, StringComparison.Ordinal);
    }

    /// <summary>
    /// The names of a sorted set below <paramref name="name"/>: ordinally they lie between "name/" and "name0" ('0'
    /// follows the delimiter; only "name0" itself is there and not below), so this is one range lookup, not a scan
    /// per listed name.
    /// </summary>
    private static IEnumerable<string> Below(SortedSet<string> sorted, string name)
    {
        var after = name + (char)(MailboxName.Delimiter + 1);
        return sorted.GetViewBetween(name + MailboxName.Delimiter, after).Where(n => !string.Equals(n, after, StringComparison.Ordinal));
    }

    private static bool HasBelow(SortedSet<string> sorted, string name) => Below(sorted, name).Any();

    /// <summary>The matcher for a reference and a pattern as sent; null when they match no name (not valid modified UTF-7, or too long).</summary>
    private static MailboxPattern? PatternMatcher(string reference, string pattern, bool utf8) =>
        utf8 ? MailboxPattern.Create(reference + pattern)
        : ModifiedUtf7.TryDecode(reference, out var decodedReference) && ModifiedUtf7.TryDecode(pattern, out var decoded) ? MailboxPattern.Create(decodedReference + decoded) : null;
}
