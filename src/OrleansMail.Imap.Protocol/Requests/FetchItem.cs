using System.Globalization;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>One FETCH data item; for sections, the part path, what of it, the partial range and the label the answer carries.</summary>
public sealed record FetchItem(FetchKind Kind)
{
    public int[] Part { get; init; } = [];

    public SectionText Text { get; init; }

    public string[] Fields { get; init; } = [];

    public bool Peek { get; init; }

    /// <summary>BINARY[part] (RFC 3516): the section with its Content-Transfer-Encoding undone.</summary>
    public bool Binary { get; init; }

    public long? PartialOffset { get; init; }

    public long? PartialLength { get; init; }

    /// <summary>How the answer names this item: "BODY[1.HEADER]&lt;0&gt;", "RFC822.HEADER"…</summary>
    public string Label { get; init; } = "";

    public bool NeedsSummary => Kind is FetchKind.Envelope or FetchKind.Body or FetchKind.BodyStructure or FetchKind.Section or FetchKind.Preview or FetchKind.BinarySize;

    /// <summary>Only the top-level header is needed: read just that much of the body.</summary>
    public bool NeedsHeaderOnly => Kind == FetchKind.Section && Part.Length == 0 && Text is SectionText.Header or SectionText.HeaderFields or SectionText.HeaderFieldsNot;

    public bool NeedsBody => (Kind == FetchKind.Section && !NeedsHeaderOnly) || Kind == FetchKind.BinarySize;

    /// <summary>Parses the items of a FETCH: one item, a macro, or a parenthesised list.</summary>
    public static List<FetchItem> ParseAll(ImapToken token)
    {
        var items = new List<FetchItem>();
        if (token.IsList)
        {
            if (token.Items.Count == 0)
            {
                throw new ImapSyntaxException("Empty FETCH item list");
            }

            for (var i = 0; i < token.Items.Count; i++)
            {
                items.Add(Parse(token.Items[i]));
                if (items[^1].Kind == FetchKind.Preview && i + 1 < token.Items.Count && IsPreviewModifiers(token.Items[i + 1]))
                {
                    i++;
                }
            }

            return Distinct(items);
        }

        if (!token.IsAtom)
        {
            throw new ImapSyntaxException("Invalid FETCH item");
        }

        switch (token.Text.ToUpperInvariant())
        {
            case "ALL":
                return [new(FetchKind.Flags), new(FetchKind.InternalDate), new(FetchKind.Size), new(FetchKind.Envelope)];
            case "FAST":
                return [new(FetchKind.Flags), new(FetchKind.InternalDate), new(FetchKind.Size)];
            case "FULL":
                return [new(FetchKind.Flags), new(FetchKind.InternalDate), new(FetchKind.Size), new(FetchKind.Envelope), new(FetchKind.Body)];
            default:
                return [Parse(token)];
        }
    }

    /// <summary>
    /// One item per answer label: "BODY.PEEK[] BODY.PEEK[] ..." asks for one body, not one per repetition. Where a
    /// peeking and a non-peeking form name the same section, the non-peeking one stays, as it sets \Seen.
    /// </summary>
    private static List<FetchItem> Distinct(List<FetchItem> items)
    {
        var result = new List<FetchItem>(items.Count);
        var seen = new Dictionary<(FetchKind, string), int>();
        foreach (var item in items)
        {
            if (seen.TryGetValue((item.Kind, item.Label), out var index))
            {
                if (result[index].Peek && !item.Peek)
                {
                    result[index] = item;
                }

                continue;
            }

            seen[(item.Kind, item.Label)] = result.Count;
            result.Add(item);
        }

        return result;
    }

    /// <summary>
    /// RFC 8970's modifiers after PREVIEW: "(LAZY)" lets the server answer NIL rather than compute a preview. Ours
    /// are computed at delivery, so LAZY changes nothing; any other modifier is a syntax error.
    /// </summary>
    public static bool IsPreviewModifiers(ImapToken token) =>
        token.IsList && token.Items.Count > 0 && token.Items.All(m => m.IsAtom && m.Text.Equals("LAZY", StringComparison.OrdinalIgnoreCase))
            ? true
            : token.IsList ? throw new ImapSyntaxException("Unknown PREVIEW modifier") : false;

    private static FetchItem Parse(ImapToken token)
    {
        if (!token.IsAtom)
        {
            throw new ImapSyntaxException("Invalid FETCH item");
        }

        var text = token.Text;
        var upper = text.ToUpperInvariant();
        switch (upper)
        {
            case "UID": return new(FetchKind.Uid);
            case "FLAGS": return new(FetchKind.Flags);
            case "INTERNALDATE": return new(FetchKind.InternalDate);
            case "RFC822.SIZE": return new(FetchKind.Size);
            case "ENVELOPE": return new(FetchKind.Envelope);
            case "BODY": return new(FetchKind.Body);
            case "BODYSTRUCTURE": return new(FetchKind.BodyStructure);
            case "MODSEQ": return new(FetchKind.ModSeq);
            case "EMAILID": return new(FetchKind.EmailId);
            case "THREADID": return new(FetchKind.ThreadId);
            case "SAVEDATE": return new(FetchKind.SaveDate);
            case "PREVIEW": return new(FetchKind.Preview);
            case "RFC822": return new(FetchKind.Section) { Label = "RFC822" };
            case "RFC822.HEADER": return new(FetchKind.Section) { Text = SectionText.Header, Peek = true, Label = "RFC822.HEADER" };
            case "RFC822.TEXT": return new(FetchKind.Section) { Text = SectionText.Text, Label = "RFC822.TEXT" };
        }

        if (upper.StartsWith("BINARY", StringComparison.Ordinal))
        {
            return ParseBinary(text, upper);
        }

        bool peek;
        string rest;
        if (upper.StartsWith("BODY.PEEK[", StringComparison.Ordinal))
        {
            peek = true;
            rest = text[10..];
        }
        else if (upper.StartsWith("BODY[", StringComparison.Ordinal))
        {
            peek = false;
            rest = text[5..];
        }
        else
        {
            throw new ImapSyntaxException($"Unknown FETCH item {text}");
        }

        var close = rest.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            throw new ImapSyntaxException("Missing ']' in section");
        }

        var spec = rest[..close];
        var (offset, length) = ParsePartial(rest[(close + 1)..]);
        var item = ParseSection(spec) with { Peek = peek, PartialOffset = offset, PartialLength = length };
        return item with { Label = $"BODY[{item.Label}]" + (offset is null ? "" : $"<{offset}>") };
    }

    /// <summary>
    /// RFC 3516's items: BINARY[part]&lt;partial&gt;, BINARY.PEEK[part]&lt;partial&gt; and BINARY.SIZE[part]; a part is
    /// numbers only (no HEADER, TEXT or MIME), and the answer is labelled without PEEK.
    /// </summary>
    private static FetchItem ParseBinary(string text, string upper)
    {
        var (kind, peek, rest) = upper switch
        {
            _ when upper.StartsWith("BINARY.PEEK[", StringComparison.Ordinal) => (FetchKind.Section, true, text[12..]),
            _ when upper.StartsWith("BINARY.SIZE[", StringComparison.Ordinal) => (FetchKind.BinarySize, true, text[12..]),
            _ when upper.StartsWith("BINARY[", StringComparison.Ordinal) => (FetchKind.Section, false, text[7..]),
            _ => throw new ImapSyntaxException($"Unknown FETCH item {text}"),
        };
        var close = rest.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            throw new ImapSyntaxException("Missing ']' in section");
        }

        var section = ParseSection(rest[..close]);
        if (section.Text != SectionText.All)
        {
            throw new ImapSyntaxException("BINARY takes part numbers only");
        }

        var (offset, length) = ParsePartial(rest[(close + 1)..]);
        if (kind == FetchKind.BinarySize)
        {
            return offset is null
                ? new FetchItem(FetchKind.BinarySize) { Part = section.Part, Label = $"BINARY.SIZE[{section.Label}]" }
                : throw new ImapSyntaxException("BINARY.SIZE takes no partial range");
        }

        return section with { Binary = true, Peek = peek, PartialOffset = offset, PartialLength = length, Label = $"BINARY[{section.Label}]" + (offset is null ? "" : $"<{offset}>") };
    }

    /// <summary>"&lt;origin.octets&gt;" after a section, if any (RFC 3501 §6.4.5).</summary>
    private static (long? Offset, long? Length) ParsePartial(string after)
    {
        long? offset = null;
        long? length = null;
        if (after.Length > 0)
        {
            if (!after.StartsWith('<') || !after.EndsWith('>'))
            {
                throw new ImapSyntaxException("Invalid partial range");
            }

            var range = after[1..^1].Split('.');
            if (range.Length != 2
                || !long.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var o)
                || !long.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var l)
                || l == 0)
            {
                throw new ImapSyntaxException("Invalid partial range");
            }

            offset = o;
            length = l;
        }

        return (offset, length);
    }

    private static FetchItem ParseSection(string spec)
    {
        var part = new List<int>();
        var position = 0;
        while (position < spec.Length && char.IsAsciiDigit(spec[position]))
        {
            var end = position;
            while (end < spec.Length && char.IsAsciiDigit(spec[end]))
            {
                end++;
            }

            if (!int.TryParse(spec.AsSpan(position, end - position), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n == 0)
            {
                throw new ImapSyntaxException("Invalid section part number");
            }

            part.Add(n);
            position = end;
            if (position < spec.Length)
            {
                if (spec[position] != '.')
                {
                    throw new ImapSyntaxException("Invalid section");
                }

                position++;
            }
        }

        var what = spec[position..];
        var upper = what.ToUpperInvariant();
        var prefix = string.Join('.', part);
        string Label(string suffix) => prefix.Length == 0 ? suffix : suffix.Length == 0 ? prefix : prefix + "." + suffix;
        if (upper.Length == 0)
        {
            return new(FetchKind.Section) { Part = [.. part], Text = SectionText.All, Label = Label("") };
        }

        if (upper == "HEADER")
        {
            return new(FetchKind.Section) { Part = [.. part], Text = SectionText.Header, Label = Label("HEADER") };
        }

        if (upper == "TEXT")
        {
            return new(FetchKind.Section) { Part = [.. part], Text = SectionText.Text, Label = Label("TEXT") };
        }

        if (upper == "MIME")
        {
            if (part.Count == 0)
            {
                throw new ImapSyntaxException("MIME needs a part number");
            }

            return new(FetchKind.Section) { Part = [.. part], Text = SectionText.Mime, Label = Label("MIME") };
        }

        var not = upper.StartsWith("HEADER.FIELDS.NOT", StringComparison.Ordinal);
        if (!not && !upper.StartsWith("HEADER.FIELDS", StringComparison.Ordinal))
        {
            throw new ImapSyntaxException($"Unknown section {what}");
        }

        var list = what[(not ? 17 : 13)..].Trim();
        if (!list.StartsWith('(') || !list.EndsWith(')'))
        {
            throw new ImapSyntaxException("HEADER.FIELDS needs a list of field names");
        }

        var fields = list[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Trim('"')).ToArray();
        if (fields.Length == 0)
        {
            throw new ImapSyntaxException("HEADER.FIELDS needs at least one field name");
        }

        var name = not ? "HEADER.FIELDS.NOT" : "HEADER.FIELDS";
        return new(FetchKind.Section)
        {
            Part = [.. part],
            Text = not ? SectionText.HeaderFieldsNot : SectionText.HeaderFields,
            Fields = fields,
            Label = Label($"{name} ({string.Join(' ', fields.Select(f => f.ToUpperInvariant()))})"),
        };
    }
}
