using System.Globalization;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Search;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>What a search key needs besides the index record: the summary, the header block or the whole body.</summary>
[Flags]
internal enum SearchNeeds
{
    None = 0,
    Summary = 1,
    Header = 2,
    Body = 4,
}

/// <summary>One message as SEARCH sees it: its record, sequence number and whatever the keys asked to be loaded.</summary>
internal sealed record SearchSubject(MessageView Message, int Sequence, uint LargestUid, int Count, MessageSummary? Summary, byte[]? Header, byte[]? Body, DateTimeOffset Now, IReadOnlySet<uint> SavedResult, bool Recent);

/// <summary>A parsed SEARCH key (RFC 3501 §6.4.4) that can say whether a message matches.</summary>
internal abstract record SearchKey
{
    public abstract SearchNeeds Needs { get; }

    /// <summary>Whether a MODSEQ key appears anywhere (it enables CONDSTORE and adds MODSEQ to the answer).</summary>
    public virtual bool UsesModSeq => false;

    public abstract bool Matches(SearchSubject s);

    /// <summary>Parses the keys of a SEARCH (after CHARSET); several keys are ANDed.</summary>
    public static SearchKey ParseAll(ImapArguments args) => ParseAll(args, 0);

    /// <summary>How deep OR/NOT/lists may nest: "OR OR OR ..." on a 64 KB line would otherwise recurse 20,000 deep.</summary>
    private const int MaxDepth = 64;

    private static SearchKey ParseAll(ImapArguments args, int depth)
    {
        var keys = new List<SearchKey>();
        while (args.HasMore)
        {
            keys.Add(Parse(args, depth));
        }

        return keys.Count switch
        {
            0 => throw new ImapSyntaxException("SEARCH needs a key"),
            1 => keys[0],
            _ => new And([.. keys]),
        };
    }

    private static SearchKey Parse(ImapArguments args, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ImapSyntaxException("Search program nested too deeply");
        }

        var token = args.Next("search key");
        if (token.IsList)
        {
            var inner = new ImapArguments(token.Items);
            return ParseAll(inner, depth + 1);
        }

        if (!token.IsAtom)
        {
            throw new ImapSyntaxException("Invalid search key");
        }

        var word = token.Text.ToUpperInvariant();
        switch (word)
        {
            case "ALL": return new Always();
            case "ANSWERED": return new Flag(MessageFlags.Answered, true);
            case "UNANSWERED": return new Flag(MessageFlags.Answered, false);
            case "DELETED": return new Flag(MessageFlags.Deleted, true);
            case "UNDELETED": return new Flag(MessageFlags.Deleted, false);
            case "DRAFT": return new Flag(MessageFlags.Draft, true);
            case "UNDRAFT": return new Flag(MessageFlags.Draft, false);
            case "FLAGGED": return new Flag(MessageFlags.Flagged, true);
            case "UNFLAGGED": return new Flag(MessageFlags.Flagged, false);
            case "SEEN": return new Flag(MessageFlags.Seen, true);
            case "UNSEEN": return new Flag(MessageFlags.Seen, false);

            case "RECENT": return new RecentKey(true);
            case "OLD": return new RecentKey(false);
            case "NEW": return new And([new RecentKey(true), new Flag(MessageFlags.Seen, false)]);
            case "KEYWORD": return new Keyword(args.Atom("keyword"), true);
            case "UNKEYWORD": return new Keyword(args.Atom("keyword"), false);
            case "FROM": return new Address(e => e.From, args.AString("address"));
            case "TO": return new Address(e => e.To, args.AString("address"));
            case "CC": return new Address(e => e.Cc, args.AString("address"));
            case "BCC": return new Address(e => e.Bcc, args.AString("address"));
            case "SUBJECT": return new Subject(args.AString("subject"));
            case "HEADER": return new Header(args.AString("field name"), args.AString("value"));
            case "BODY": return new Text(args.AString("text"), false);
            case "TEXT": return new Text(args.AString("text"), true);
            case "BEFORE": return new Internal(ImapFormat.ParseDate(args.AString("date")), -1);
            case "ON": return new Internal(ImapFormat.ParseDate(args.AString("date")), 0);
            case "SINCE": return new Internal(ImapFormat.ParseDate(args.AString("date")), 1);
            case "SENTBEFORE": return new Sent(ImapFormat.ParseDate(args.AString("date")), -1);
            case "SENTON": return new Sent(ImapFormat.ParseDate(args.AString("date")), 0);
            case "SENTSINCE": return new Sent(ImapFormat.ParseDate(args.AString("date")), 1);
            case "LARGER": return new Size((long)args.Number("size"), true);
            case "SMALLER": return new Size((long)args.Number("size"), false);
            case "UID": return new Numbers(args.SequenceSet(), true);

            // RFC 5032 WITHIN: internal date older or younger than so many seconds.
            case "OLDER": return new Age((long)args.Number("interval"), true);
            case "YOUNGER": return new Age((long)args.Number("interval"), false);

            // RFC 8514 SAVEDATE.
            case "SAVEDBEFORE": return new Saved(ImapFormat.ParseDate(args.AString("date")), -1);
            case "SAVEDON": return new Saved(ImapFormat.ParseDate(args.AString("date")), 0);
            case "SAVEDSINCE": return new Saved(ImapFormat.ParseDate(args.AString("date")), 1);
            case "SAVEDATESUPPORTED": return new Always();
            case "NOT": return new Not(Parse(args, depth + 1));
            case "OR": return new Or(Parse(args, depth + 1), Parse(args, depth + 1));
            case "MODSEQ":
                {
                    // RFC 7162 §3.1.5: MODSEQ [entry-name entry-type] mod-sequence-valzer.
                    var first = args.Next("modseq");
                    if (!first.IsAtom || !ulong.TryParse(first.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                    {
                        args.Atom("entry type");
                        value = args.Number("modseq");
                    }

                    return new ModSeq(value);
                }

            default:
                if (ImapSequenceSet.TryParse(token.Text, out var set))
                {
                    return new Numbers(set, false);
                }

                throw new ImapSyntaxException($"Unknown search key {token.Text}");
        }
    }

    private sealed record Always : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        public override bool Matches(SearchSubject s) => true;
    }

    private sealed record And(SearchKey[] Keys) : SearchKey
    {
        public override SearchNeeds Needs => Keys.Aggregate(SearchNeeds.None, (n, k) => n | k.Needs);

        public override bool Matches(SearchSubject s) => Keys.All(k => k.Matches(s));

        public override bool UsesModSeq => Keys.Any(k => k.UsesModSeq);
    }

    private sealed record Or(SearchKey Left, SearchKey Right) : SearchKey
    {
        public override SearchNeeds Needs => Left.Needs | Right.Needs;

        public override bool Matches(SearchSubject s) => Left.Matches(s) || Right.Matches(s);

        public override bool UsesModSeq => Left.UsesModSeq || Right.UsesModSeq;
    }

    private sealed record Not(SearchKey Key) : SearchKey
    {
        public override SearchNeeds Needs => Key.Needs;

        public override bool Matches(SearchSubject s) => !Key.Matches(s);

        public override bool UsesModSeq => Key.UsesModSeq;
    }

    private sealed record Flag(MessageFlags Which, bool IsSet) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        public override bool Matches(SearchSubject s) => s.Message.Flags.HasFlag(Which) == IsSet;
    }

    private sealed record RecentKey(bool IsRecent) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        public override bool Matches(SearchSubject s) => s.Recent == IsRecent;
    }

    private sealed record Keyword(string Name, bool IsSet) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        public override bool Matches(SearchSubject s) => s.Message.Keywords.Contains(Name, StringComparer.OrdinalIgnoreCase) == IsSet;
    }

    private sealed record Address(Func<MessageEnvelope, EnvelopeAddress[]> Field, string Needle) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.Summary;

        public override bool Matches(SearchSubject s) => s.Summary is { } summary && Field(summary.Envelope).Any(a =>
            MessageText.Contains(MessageText.Decode(a.Name), Needle) || MessageText.Contains($"{a.Mailbox}@{a.Host}", Needle));
    }

    private sealed record Subject(string Needle) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.Summary;

        public override bool Matches(SearchSubject s) => s.Summary is { } summary && (Needle.Length == 0 || MessageText.Contains(MessageText.Decode(summary.Envelope.Subject), Needle));
    }

    private sealed record Header(string Field, string Needle) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.Header;

        public override bool Matches(SearchSubject s) => s.Header is { } header && MessageText.HeaderContains(header, Field, Needle);
    }

    private sealed record Text(string Needle, bool IncludeHeaders) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.Body;

        public override bool Matches(SearchSubject s) => s.Body is { } body && MessageText.BodyContains(body, Needle, IncludeHeaders);
    }

    private sealed record Internal(DateOnly Date, int Direction) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        // RFC 3501: dates compare disregarding time and timezone; we take the internal date's UTC day.
        public override bool Matches(SearchSubject s) => Compare(DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(s.Message.InternalDate).UtcDateTime), Date, Direction);
    }

    private sealed record Sent(DateOnly Date, int Direction) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.Summary;

        public override bool Matches(SearchSubject s) =>
            s.Summary is { } summary && MessageText.TryParseDate(summary.Envelope.Date, out var sent) && Compare(DateOnly.FromDateTime(sent.DateTime), Date, Direction);
    }

    private sealed record Size(long Octets, bool Larger) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        public override bool Matches(SearchSubject s) => Larger ? s.Message.Size > Octets : s.Message.Size < Octets;
    }

    private sealed record ModSeq(ulong Value) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        public override bool Matches(SearchSubject s) => s.Message.ModSeq >= Value;

        public override bool UsesModSeq => true;
    }

    private sealed record Numbers(ImapSequenceSet Values, bool ByUid) : SearchKey
    {
        private (uint Largest, UidSet Set)? _resolved;

        public override SearchNeeds Needs => SearchNeeds.None;

        /// <summary>A binary search in the normalized set: a set of many ranges costs log(ranges) per message, not ranges.</summary>
        public override bool Matches(SearchSubject s)
        {
            if (Values.IsSavedResult)
            {
                return s.SavedResult.Contains(s.Message.Uid);
            }

            var largest = ByUid ? s.LargestUid : (uint)s.Count;
            if (_resolved is not { } resolved || resolved.Largest != largest)
            {
                resolved = (largest, UidSet.FromRanges(Values.Resolve(largest)));
                _resolved = resolved;
            }

            return resolved.Set.Contains(ByUid ? s.Message.Uid : (uint)s.Sequence);
        }
    }

    private sealed record Age(long Seconds, bool Older) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        public override bool Matches(SearchSubject s)
        {
            var age = s.Now - DateTimeOffset.FromUnixTimeMilliseconds(s.Message.InternalDate);
            return Older ? age.TotalSeconds >= Seconds : age.TotalSeconds < Seconds;
        }
    }

    private sealed record Saved(DateOnly Date, int Direction) : SearchKey
    {
        public override SearchNeeds Needs => SearchNeeds.None;

        public override bool Matches(SearchSubject s) => Compare(DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(s.Message.SaveDate).UtcDateTime), Date, Direction);
    }

    private static bool Compare(DateOnly value, DateOnly date, int direction) => direction switch
    {
        < 0 => value < date,
        0 => value == date,
        _ => value >= date,
    };
}
