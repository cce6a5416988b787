using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace OrleansMail.Imap.Protocol;

/// <summary>
/// Writes IMAP response syntax (RFC 3501 §9) into a pipe: atoms, numbers, strings as quoted or literal as their
/// content requires, NIL, and streamed literals. Nothing reaches the socket until <see cref="FlushAsync"/>.
/// </summary>
public sealed class ImapResponseWriter(PipeWriter output)
{
    private const int MaxQuoted = 1000;

    public PipeWriter Output { get; set; } = output;

    /// <summary>Bytes buffered since the last flush: callers flush long responses as they go.</summary>
    public long Unflushed => Output.UnflushedBytes;

    public ImapResponseWriter Raw(string ascii)
    {
        var span = Output.GetSpan(Encoding.UTF8.GetMaxByteCount(ascii.Length));
        var n = Encoding.UTF8.GetBytes(ascii, span);
        Output.Advance(n);
        return this;
    }

    public ImapResponseWriter Raw(ReadOnlySpan<byte> bytes)
    {
        Output.Write(bytes);
        return this;
    }

    public ImapResponseWriter Number(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    public ImapResponseWriter Space() => Raw(" "u8);

    public ImapResponseWriter CrLf() => Raw("\r\n"u8);

    /// <summary>An nstring: NIL for null, else <see cref="String(string)"/>.</summary>
    public ImapResponseWriter NString(string? value) => value is null ? Raw("NIL"u8) : String(value);

    /// <summary>A string, quoted when it is short 7-bit text without CR/LF, a literal otherwise.</summary>
    public ImapResponseWriter String(string value)
    {
        if (CanQuote(value))
        {
            var builder = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                if (c is '"' or '\\')
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }

            return Raw(builder.Append('"').ToString());
        }

        return Literal(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>An astring: an atom when it can be one (mailbox names look better so), else a string.</summary>
    public ImapResponseWriter AString(string value) => IsAtom(value) ? Raw(value) : String(value);

    public ImapResponseWriter Literal(ReadOnlySpan<byte> bytes)
    {
        LiteralHeader(bytes.Length);
        return Raw(bytes);
    }

    public ImapResponseWriter LiteralHeader(long length) => Raw("{").Number(length).Raw("}\r\n"u8);

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => Output.FlushAsync(cancellationToken);

    public static bool CanQuote(string value)
    {
        if (value.Length > MaxQuoted)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\0' || c >= 0x80)
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsAtom(string value)
    {
        if (value.Length == 0 || value.Equals("NIL", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c <= ' ' || c >= 0x7f || c is '(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']')
            {
                return false;
            }
        }

        return true;
    }
}
