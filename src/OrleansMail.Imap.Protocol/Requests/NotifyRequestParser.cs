namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>The grammar of NOTIFY (RFC 5465 §8), with the rules of §5 and §6.1 that make a request BAD.</summary>
public static class NotifyRequestParser
{
    /// <summary>notify = "NOTIFY" SP (notify-set / notify-none); notify-set = "SET" [SP "STATUS"] SP event-groups.</summary>
    public static NotifyRequest Parse(string tag, ImapArguments args)
    {
        if (args.TryTake("NONE"))
        {
            return new NotifyRequest(tag, None: true, Status: false, [], []);
        }

        if (!args.TryTake("SET"))
        {
            throw new ImapSyntaxException("NOTIFY takes SET or NONE");
        }

        var status = args.TryTake("STATUS");
        var groups = new List<NotifyEventGroup>();
        var unknown = new List<string>();
        do
        {
            groups.Add(Group(args.List("event group"), unknown, args.Utf8Names));
        }
        while (args.HasMore);

        if (groups.Count(g => g.IsSelected) > 1)
        {
            throw new ImapSyntaxException("Only one of SELECTED and SELECTED-DELAYED may be given");
        }

        return new NotifyRequest(tag, None: false, status, groups, unknown);
    }

    /// <summary>event-group = "(" filter-mailboxes SP events ")".</summary>
    private static NotifyEventGroup Group(ImapToken token, List<string> unknown, bool utf8Names)
    {
        var args = new ImapArguments(token.Items) { Utf8Names = utf8Names };
        var filter = args.Atom("mailbox filter").ToUpperInvariant() switch
        {
            "SELECTED" => NotifyFilter.Selected,
            "SELECTED-DELAYED" => NotifyFilter.SelectedDelayed,
            "PERSONAL" => NotifyFilter.Personal,
            "INBOXES" => NotifyFilter.Inboxes,
            "SUBSCRIBED" => NotifyFilter.Subscribed,
            "SUBTREE" => NotifyFilter.Subtree,
            "MAILBOXES" => NotifyFilter.Mailboxes,
            var other => throw new ImapSyntaxException($"Unknown mailbox filter {other}"),
        };
        var mailboxes = new List<string>();
        if (filter is NotifyFilter.Subtree or NotifyFilter.Mailboxes)
        {
            // one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")"
            if (args.Peek is { IsList: true })
            {
                var list = new ImapArguments(args.List("mailboxes").Items) { Utf8Names = utf8Names };
                do
                {
                    mailboxes.Add(ImapRequestParser.Mailbox(list));
                }
                while (list.HasMore);
            }
            else
            {
                mailboxes.Add(ImapRequestParser.Mailbox(args));
            }
        }

        var (events, newMessageItems) = Events(args, unknown);
        args.End();
        var known = unknown.Count == 0;
        if (known && events.HasFlag(NotifyEvents.MessageNew) != events.HasFlag(NotifyEvents.MessageExpunge))
        {
            throw new ImapSyntaxException("MessageNew and MessageExpunge go together");
        }

        if (known && events.HasFlag(NotifyEvents.FlagChange) && !events.HasFlag(NotifyEvents.MessageNew))
        {
            throw new ImapSyntaxException("FlagChange needs MessageNew and MessageExpunge");
        }

        var group = new NotifyEventGroup(filter, mailboxes, events, newMessageItems);
        if (group.IsSelected && (events & ~NotifyEvents.Message) != 0)
        {
            throw new ImapSyntaxException("SELECTED and SELECTED-DELAYED take message events only");
        }

        if (!group.IsSelected && newMessageItems.Count > 0)
        {
            // FETCH items go with new messages of the selected mailbox only; others are told by STATUS (§5.2).
            throw new ImapSyntaxException("MessageNew takes FETCH items for SELECTED and SELECTED-DELAYED only");
        }

        return group;
    }

    /// <summary>events = "(" event *(SP event) ")" / "NONE".</summary>
    private static (NotifyEvents Events, IReadOnlyList<FetchItem> NewMessageItems) Events(ImapArguments args, List<string> unknown)
    {
        if (args.TryTake("NONE"))
        {
            return (NotifyEvents.None, []);
        }

        var list = args.List("events").Items;
        if (list.Count == 0)
        {
            throw new ImapSyntaxException("An event list names at least one event");
        }

        var events = NotifyEvents.None;
        IReadOnlyList<FetchItem> items = [];
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].IsAtom)
            {
                throw new ImapSyntaxException("An event is an atom");
            }

            var name = list[i].Text;
            NotifyEvents? one = name.ToUpperInvariant() switch
            {
                "MESSAGENEW" => NotifyEvents.MessageNew,
                "MESSAGEEXPUNGE" => NotifyEvents.MessageExpunge,
                "FLAGCHANGE" => NotifyEvents.FlagChange,
                "MAILBOXNAME" => NotifyEvents.MailboxName,
                "SUBSCRIPTIONCHANGE" => NotifyEvents.SubscriptionChange,
                "MAILBOXMETADATACHANGE" => NotifyEvents.MailboxMetadataChange,
                "SERVERMETADATACHANGE" => NotifyEvents.ServerMetadataChange,
                _ => null,
            };
            if (one is not { } known)
            {
                unknown.Add(name);
                continue;
            }

            events |= known;
            if (known == NotifyEvents.MessageNew && i + 1 < list.Count && list[i + 1].IsList)
            {
                items = FetchItem.ParseAll(list[++i]);
            }
        }

        return (events, items);
    }
}
