using MimeKit;

namespace OrleansMail.Sieve;

/// <summary>
/// The start of a message as a body test reads it (RFC 5173): read when a script first asks, parsed once, and
/// shared by every recipient's script, so a message to a thousand recipients is not parsed a thousand times.
/// </summary>
/// <param name="read">The message, header and body, as far as a body test may read (see <see cref="SieveMessage.MaxBodyBytes"/>).</param>
public sealed class SieveBody(Func<byte[]> read)
{
    private byte[]? _content;
    private MimeMessage? _parsed;
    private bool _unparsable;

    public byte[] Content => _content ??= read();

    /// <summary>The message parsed; null when it cannot be.</summary>
    public MimeMessage? Parsed
    {
        get
        {
            if (_parsed is null && !_unparsable && Content.Length > 0)
            {
                try
                {
                    using var stream = new MemoryStream(Content, writable: false);
                    _parsed = MimeMessage.Load(stream);
                }
                catch (FormatException)
                {
                    _unparsable = true;
                }
            }

            return _parsed;
        }
    }
}
