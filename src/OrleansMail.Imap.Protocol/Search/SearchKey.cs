using System.Globalization;
using OrleansMail.Mail;

namespace OrleansMail.Imap.Protocol.Search;

/// <summary>
/// A SEARCH program (RFC 3501 §6.4.4 with CONDSTORE's MODSEQ, WITHIN and SAVEDATE keys) as a tree: what the
/// client asked, parsed completely before anything runs. The server decides what matches.
/// </summary>
public abstract record SearchKey
{
    /// <summary>Parses the keys of a SEARCH (after CHARSET and RETURN); several keys are ANDed.</summary>
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
            case "ALL": return new All();
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

            case "RECENT": return new Recent(true);
            case "OLD": return new Recent(false);
            case "NEW": return new And([new Recent(true), new Flag(MessageFlags.Seen, false)]);
            case "KEYWORD": return new Keyword(args.Atom("keyword"), true);
            case "UNKEYWORD": return new Keyword(args.Atom("keyword"), false);
            case "FROM": return new Address(AddressField.From, args.AString("address"));
            case "TO": return new Address(AddressField.To, args.AString("address"));
            case "CC": return new Address(AddressField.Cc, args.AString("address"));
            case "BCC": return new Address(AddressField.Bcc, args.AString("address"));
            case "SUBJECT": return new Subject(args.AString("subject"));
            case "HEADER": return new Header(args.AString("field name"), args.AString("value"));
            case "BODY": return new Text(args.AString("text"), false);
            case "TEXT": return new Text(args.AString("text"), true);
            case "BEFORE": return new Internal(ImapValues.ParseDate(args.AString("date")), -1);
            case "ON": return new Internal(ImapValues.ParseDate(args.AString("date")), 0);
            case "SINCE": return new Internal(ImapValues.ParseDate(args.AString("date")), 1);
            case "SENTBEFORE": return new Sent(ImapValues.ParseDate(args.AString("date")), -1);
            case "SENTON": return new Sent(ImapValues.ParseDate(args.AString("date")), 0);
            case "SENTSINCE": return new Sent(ImapValues.ParseDate(args.AString("date")), 1);
            case "LARGER": return new Size((long)args.Number("size"), true);
            case "SMALLER": return new Size((long)args.Number("size"), false);
            case "UID": return new Numbers(args.SequenceSet(), true);

            // RFC 5032 WITHIN: internal date older or younger than so many seconds.
            case "OLDER": return new Age((long)args.Number("interval"), true);
            case "YOUNGER": return new Age((long)args.Number("interval"), false);

            // RFC 8514 SAVEDATE.
            case "SAVEDBEFORE": return new Saved(ImapValues.ParseDate(args.AString("date")), -1);
            case "SAVEDON": return new Saved(ImapValues.ParseDate(args.AString("date")), 0);
            case "SAVEDSINCE": return new Saved(ImapValues.ParseDate(args.AString("date")), 1);
            case "SAVEDATESUPPORTED": return new All();
            case "NOT": return new Not(Parse(args, depth + 1));

            // RFC 6203: the key matched inexactly as well.
            case "FUZZY": return new Fuzzy(Parse(args, depth + 1));
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

    /// <summary>ALL, and keys that hold for every message this server stores (SAVEDATESUPPORTED).</summary>
    public sealed record All : SearchKey;

    public sealed record And(IReadOnlyList<SearchKey> Keys) : SearchKey;

    public sealed record Or(SearchKey Left, SearchKey Right) : SearchKey;

    public sealed record Not(SearchKey Key) : SearchKey;

    /// <summary>FUZZY (RFC 6203): what the key matches, and what resembles it (words within an edit or two, stems).</summary>
    public sealed record Fuzzy(SearchKey Key) : SearchKey;

    /// <summary>A system flag set (<paramref name="IsSet"/>) or not: SEEN, UNSEEN, DELETED…</summary>
    public sealed record Flag(MessageFlags Which, bool IsSet) : SearchKey;

    /// <summary>RECENT or OLD.</summary>
    public sealed record Recent(bool IsRecent) : SearchKey;

    public sealed record Keyword(string Name, bool IsSet) : SearchKey;

    /// <summary>FROM, TO, CC, BCC: a substring of the display name or the address.</summary>
    public sealed record Address(AddressField Field, string Needle) : SearchKey;

    public sealed record Subject(string Needle) : SearchKey;

    public sealed record Header(string Field, string Needle) : SearchKey;

    /// <summary>BODY (<paramref name="IncludeHeaders"/> false) or TEXT.</summary>
    public sealed record Text(string Needle, bool IncludeHeaders) : SearchKey;

    /// <summary>BEFORE, ON, SINCE on the internal date; <paramref name="Direction"/> is -1, 0 or 1.</summary>
    public sealed record Internal(DateOnly Date, int Direction) : SearchKey;

    /// <summary>SENTBEFORE, SENTON, SENTSINCE on the Date header.</summary>
    public sealed record Sent(DateOnly Date, int Direction) : SearchKey;

    /// <summary>LARGER or SMALLER.</summary>
    public sealed record Size(long Octets, bool Larger) : SearchKey;

    /// <summary>MODSEQ (RFC 7162 §3.1.5): changed at or after the value.</summary>
    public sealed record ModSeq(ulong Value) : SearchKey;

    /// <summary>A sequence set, or UID with one; $ (RFC 5182) is the saved result.</summary>
    public sealed record Numbers(ImapSequenceSet Values, bool ByUid) : SearchKey;

    /// <summary>OLDER or YOUNGER (RFC 5032), in seconds.</summary>
    public sealed record Age(long Seconds, bool Older) : SearchKey;

    /// <summary>SAVEDBEFORE, SAVEDON, SAVEDSINCE (RFC 8514).</summary>
    public sealed record Saved(DateOnly Date, int Direction) : SearchKey;
}
