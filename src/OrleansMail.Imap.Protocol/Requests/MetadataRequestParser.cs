using System.Globalization;
using System.Text;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>The grammar of RFC 5464 §5: GETMETADATA's options and entries, SETMETADATA's entry-value pairs, and what an entry name may be.</summary>
public static class MetadataRequestParser
{
    /// <summary>getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP getmetadata-entries.</summary>
    public static GetMetadataRequest Get(string tag, ImapArguments args)
    {
        long? maxSize = null;
        var depth = 0;
        if (args.Peek is { IsList: true })
        {
            (maxSize, depth) = Options(args.Next("options"));
        }

        var mailbox = ImapRequestParser.Mailbox(args);

        // MailKit (and the draft before the RFC) put the options after the mailbox; Cyrus takes them there too.
        if (args.Peek is { IsList: true, Items: [{ IsAtom: true } first, ..] } late && (first.Is("MAXSIZE") || first.Is("DEPTH")))
        {
            (maxSize, depth) = Options(args.Next("options"));
        }

        var entries = args.Peek is { IsList: true } list
            ? args.Next("entries").Items.Select(Entry).ToList()
            : [Entry(args.Next("entry"))];
        if (entries.Count == 0)
        {
            throw new ImapSyntaxException("GETMETADATA needs at least one entry");
        }

        return new GetMetadataRequest(tag, mailbox, entries, maxSize, depth);
    }

    /// <summary>getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")": MAXSIZE n, DEPTH 0 / 1 / infinity.</summary>
    private static (long? MaxSize, int Depth) Options(ImapToken options)
    {
        long? maxSize = null;
        var depth = 0;
        var items = options.Items;
        if (items.Count == 0 || items.Count % 2 != 0)
        {
            throw new ImapSyntaxException("GETMETADATA options are MAXSIZE n and DEPTH 0, 1 or infinity");
        }

        for (var i = 0; i < items.Count; i += 2)
        {
            var value = items[i + 1].Text;
            if (items[i].Is("MAXSIZE") && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && items[i + 1].IsAtom)
            {
                maxSize = size;
            }
            else if (items[i].Is("DEPTH") && items[i + 1].IsAtom && (value is "0" or "1" || value.Equals("infinity", StringComparison.OrdinalIgnoreCase)))
            {
                depth = value == "0" ? 0 : value == "1" ? 1 : int.MaxValue;
            }
            else
            {
                throw new ImapSyntaxException("GETMETADATA options are MAXSIZE n and DEPTH 0, 1 or infinity");
            }
        }

        return (maxSize, depth);
    }

    /// <summary>setmetadata = "SETMETADATA" SP mailbox SP "(" entry-value *(SP entry-value) ")"; value = nstring / literal8.</summary>
    public static SetMetadataRequest Set(string tag, ImapArguments args)
    {
        var mailbox = ImapRequestParser.Mailbox(args);
        var items = args.List("entries and values").Items;
        if (items.Count == 0 || items.Count % 2 != 0)
        {
            throw new ImapSyntaxException("SETMETADATA takes a list of entry names, each with a value or NIL");
        }

        var entries = new List<(string, byte[]?)>();
        for (var i = 0; i < items.Count; i += 2)
        {
            var value = items[i + 1];
            // The grammar says nstring or literal8; MailKit sends a plain word as an atom, and nothing is lost by taking it.
            byte[]? bytes = value.IsNil ? null
                : value.Kind == ImapTokenKind.Literal ? value.Bytes
                : value.Kind is ImapTokenKind.Quoted or ImapTokenKind.Atom ? Encoding.UTF8.GetBytes(value.Text)
                : throw new ImapSyntaxException("A METADATA value is a string, a literal or NIL");
            entries.Add((Entry(items[i]), bytes));
        }

        return new SetMetadataRequest(tag, mailbox, entries);
    }

    /// <summary>
    /// An entry name (RFC 5464 §3.2): "/private/" or "/shared/" and one or more slash-separated parts of printable
    /// US-ASCII without "*" or "%", never two slashes together or one at the end; compared without regard to case,
    /// so kept in lower case.
    /// </summary>
    public static bool TryNormalizeEntry(string name, out string normalized)
    {
        normalized = name.ToLowerInvariant();
        if (!(normalized.StartsWith("/private/", StringComparison.Ordinal) || normalized.StartsWith("/shared/", StringComparison.Ordinal))
            || normalized.EndsWith('/') || normalized.Contains("//", StringComparison.Ordinal) || normalized.Length > MaxEntryLength)
        {
            return false;
        }

        foreach (var c in normalized)
        {
            if (c <= ' ' || c >= 0x7f || c is '*' or '%')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Longer names are refused as bad: a name is a key in memory, not a place to store data.</summary>
    public const int MaxEntryLength = 1024;

    private static string Entry(ImapToken token) =>
        token.IsString && TryNormalizeEntry(token.Text, out var name) ? name : throw new ImapSyntaxException($"Invalid METADATA entry name");
}
