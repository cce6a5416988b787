using MimeKit;

namespace OrleansMail.Sieve;

/// <summary>
/// What a script sees of a message at delivery: its header (values decoded, RFC 2047), the envelope and the size.
/// Each field's values are decoded once and found by name, and each address field is parsed once, however many
/// rules ask: a header of thousands of fields must not cost a pass over all of them per test.
/// </summary>
/// <param name="body">What a body test reads; shared by every recipient of one message, so it is read and parsed once.</param>
public sealed class SieveMessage(HeaderList headers, string envelopeFrom, string envelopeTo, long size, SieveBody? body = null)
{
    private HeaderList _headers = headers;
    private bool _edited;

    /// <summary>The most of a message a body test reads: a script judges the first megabyte, not a 50 MB attachment.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private ILookup<string, string>? _values;
    private readonly Dictionary<string, string[]> _addresses = new(StringComparer.OrdinalIgnoreCase);

    public string EnvelopeFrom { get; } = envelopeFrom;

    public string EnvelopeTo { get; } = envelopeTo;

    public long Size { get; } = size;

    /// <summary>Every value of the named header field, in order; none when it is absent.</summary>
    public IEnumerable<string> HeaderValues(string name) =>
        (_values ??= _headers.ToLookup(h => h.Field, h => h.Value.Trim(), StringComparer.OrdinalIgnoreCase))[name];

    /// <summary>The header after the script's edits (RFC 5293); null while it has made none.</summary>
    public HeaderList? EditedHeaders => _edited ? _headers : null;

    /// <summary>addheader: a field at the top, or with <paramref name="last"/> at the bottom; later tests see it.</summary>
    public void AddHeader(string field, string value, bool last)
    {
        Own();
        var header = new Header(System.Text.Encoding.UTF8, field, value);
        if (last)
        {
            _headers.Add(header);
        }
        else
        {
            _headers.Insert(0, header);
        }

        Changed();
    }

    /// <summary>deleteheader: every occurrence of the field that <paramref name="matches"/> its value, or only the one at <paramref name="occurrence"/>.</summary>
    public void DeleteHeaders(string field, Func<string, bool> matches, (int Index, bool FromLast)? occurrence)
    {
        var positions = Enumerable.Range(0, _headers.Count).Where(i => _headers[i].Field.Equals(field, StringComparison.OrdinalIgnoreCase)).ToList();
        if (occurrence is { } at)
        {
            var position = at.FromLast ? positions.Count - at.Index : at.Index - 1;
            positions = position >= 0 && position < positions.Count ? [positions[position]] : [];
        }

        positions = [.. positions.Where(i => matches(_headers[i].Value.Trim()))];
        if (positions.Count == 0)
        {
            return;
        }

        // The copy keeps the order, so the positions found here hold there.
        Own();
        foreach (var position in positions.OrderDescending())
        {
            _headers.RemoveAt(position);
        }

        Changed();
    }

    /// <summary>The header given is shared by every recipient's run: the first edit works on a copy of its own.</summary>
    private void Own()
    {
        if (!_edited)
        {
            var copy = new HeaderList();
            foreach (var header in _headers)
            {
                copy.Add(header.Clone());
            }

            _headers = copy;
            _edited = true;
        }
    }

    private void Changed()
    {
        _values = null;
        _addresses.Clear();
    }

    /// <summary>The addresses (local@domain) of every value of the named field that parses as an address list.</summary>
    public IReadOnlyList<string> HeaderAddresses(string name)
    {
        if (!_addresses.TryGetValue(name, out var addresses))
        {
            _addresses[name] = addresses = [.. HeaderValues(name).SelectMany(Addresses)];
        }

        return addresses;
    }

    /// <summary>The addresses (local@domain) in one field value; none when it does not parse as an address list.</summary>
    public static IEnumerable<string> Addresses(string value) =>
        InternetAddressList.TryParse(value, out var list) ? list.Mailboxes.Select(m => m.Address) : [];

    /// <summary>RFC 5173 :raw: the body as it came, undecoded, after the header.</summary>
    public string RawBody()
    {
        var bytes = body?.Content ?? [];
        var start = bytes.AsSpan().IndexOf("\r\n\r\n"u8) is var crlf and >= 0 ? crlf + 4 : bytes.AsSpan().IndexOf("\n\n"u8) is var lf and >= 0 ? lf + 2 : bytes.Length;
        return System.Text.Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>
    /// RFC 5173 :content: the decoded content of each leaf part whose type matches one of <paramref name="types"/>
    /// ("" any, "text" any text/*, "text/html" exactly), each a value of its own.
    /// </summary>
    public IReadOnlyCollection<string> BodyParts(IReadOnlyList<string> types)
    {
        var parsed = body?.Parsed;
        if (parsed is null)
        {
            return [];
        }

        var values = new List<string>();
        foreach (var part in parsed.BodyParts)
        {
            var type = part.ContentType;
            if (!types.Any(t => t.Length == 0 || (t.Contains('/', StringComparison.Ordinal) ? type.IsMimeType(t[..t.IndexOf('/', StringComparison.Ordinal)], t[(t.IndexOf('/', StringComparison.Ordinal) + 1)..]) : type.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase))))
            {
                continue;
            }

            if (part is TextPart text)
            {
                values.Add(text.Text);
            }
            else if (part is MimePart mime && mime.Content is { } data)
            {
                using var decoded = new MemoryStream();
                data.DecodeTo(decoded);
                values.Add(System.Text.Encoding.UTF8.GetString(decoded.GetBuffer(), 0, (int)decoded.Length));
            }
        }

        return values;
    }

    /// <summary>The header of an RFC 5322 message given as text (for tests and tools).</summary>
    public static SieveMessage Parse(string message, string envelopeFrom, string envelopeTo)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message));
        var parsed = HeaderList.Load(stream);
        var bytes = System.Text.Encoding.UTF8.GetBytes(message);
        return new SieveMessage(parsed, envelopeFrom, envelopeTo, stream.Length, new SieveBody(() => bytes));
    }
}
