using MimeKit;

namespace OrleansMail.Sieve;

/// <summary>What a script sees of a message at delivery: its header (values decoded, RFC 2047), the envelope and the size.</summary>
public sealed class SieveMessage(HeaderList headers, string envelopeFrom, string envelopeTo, long size)
{
    public string EnvelopeFrom { get; } = envelopeFrom;

    public string EnvelopeTo { get; } = envelopeTo;

    public long Size { get; } = size;

    /// <summary>Every value of the named header field, in order; none when it is absent.</summary>
    public IEnumerable<string> HeaderValues(string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Field, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return header.Value.Trim();
            }
        }
    }

    /// <summary>The header of an RFC 5322 message given as text (for tests and tools).</summary>
    public static SieveMessage Parse(string message, string envelopeFrom, string envelopeTo)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message));
        var parsed = HeaderList.Load(stream);
        return new SieveMessage(parsed, envelopeFrom, envelopeTo, stream.Length);
    }
}
