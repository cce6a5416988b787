using System.Buffers;
using System.Text;

namespace OrleansMail.ManageSieve;

/// <summary>Composes responses (RFC 5804 §4): atoms, strings quoted when they can be and literals when not, CRLF.</summary>
internal sealed class ResponseBuilder
{
    /// <summary>RFC 5804 §4: a quoted string holds at most 1024 octets.</summary>
    private const int MaxQuoted = 1024;

    private readonly ArrayBufferWriter<byte> _bytes = new();

    public ReadOnlyMemory<byte> Written => _bytes.WrittenMemory;

    public ResponseBuilder Atom(string atom)
    {
        Encoding.ASCII.GetBytes(atom, _bytes);
        return this;
    }

    public ResponseBuilder Space() => Atom(" ");

    public ResponseBuilder CrLf() => Atom("\r\n");

    /// <summary>A string: quoted unless it is long or holds a line break or NUL, then a literal "{n}" CRLF and its octets.</summary>
    public ResponseBuilder String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length <= MaxQuoted && !bytes.AsSpan().ContainsAny("\r\n\0"u8))
        {
            _bytes.Write("\""u8);
            foreach (var b in bytes)
            {
                if (b is (byte)'"' or (byte)'\\')
                {
                    _bytes.Write("\\"u8);
                }

                _bytes.Write([b]);
            }

            _bytes.Write("\""u8);
            return this;
        }

        return Literal(bytes);
    }

    public ResponseBuilder Literal(byte[] bytes)
    {
        Atom($"{{{bytes.Length}}}\r\n");
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>A status line: OK, NO or BYE, a response code when there is one, and a human-readable text.</summary>
    public ResponseBuilder Status(string status, string? code, string text)
    {
        Atom(status);
        if (code is not null)
        {
            Atom(" (").Atom(code).Atom(")");
        }

        return Space().String(text).CrLf();
    }
}
