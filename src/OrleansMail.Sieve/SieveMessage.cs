using MimeKit;

namespace OrleansMail.Sieve;

/// <summary>
/// What a script sees of a message at delivery: its header (values decoded, RFC 2047), the envelope and the size.
/// Each field's values are decoded once and found by name, and each address field is parsed once, however many
/// rules ask: a header of thousands of fields must not cost a pass over all of them per test.
/// </summary>
public sealed class SieveMessage(HeaderList headers, string envelopeFrom, string envelopeTo, long size)
{
    private readonly Lazy<ILookup<string, string>> _values = new(() => headers.ToLookup(h => h.Field, h => h.Value.Trim(), StringComparer.OrdinalIgnoreCase));
    private readonly Dictionary<string, string[]> _addresses = new(StringComparer.OrdinalIgnoreCase);

    public string EnvelopeFrom { get; } = envelopeFrom;

    public string EnvelopeTo { get; } = envelopeTo;

    public long Size { get; } = size;

    /// <summary>Every value of the named header field, in order; none when it is absent.</summary>
    public IEnumerable<string> HeaderValues(string name) => _values.Value[name];

    /// <summary>The addresses (local@domain) of every value of the named field that parses as an address list.</summary>
    public IReadOnlyList<string> HeaderAddresses(string name)
    {
        if (!_addresses.TryGetValue(name, out var addresses))
        {
            _addresses[name] = addresses = [.. HeaderValues(name).SelectMany(v => InternetAddressList.TryParse(v, out var list) ? list.Mailboxes.Select(m => m.Address) : [])];
        }

        return addresses;
    }

    /// <summary>The header of an RFC 5322 message given as text (for tests and tools).</summary>
    public static SieveMessage Parse(string message, string envelopeFrom, string envelopeTo)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message));
        var parsed = HeaderList.Load(stream);
        return new SieveMessage(parsed, envelopeFrom, envelopeTo, stream.Length);
    }
}
