using System.Text;

namespace OrleansMail.Lmtp.Protocol;

/// <summary>A reply: code, enhanced status (RFC 2034/3463) and text; several lines for LHLO.</summary>
public sealed record LmtpReply(int Code, string? Enhanced, params string[] Lines)
{
    public static LmtpReply Ok(string text = "OK") => new(250, "2.0.0", text);

    public static LmtpReply SyntaxError(string text) => new(501, "5.5.4", text);

    public static LmtpReply BadSequence(string text) => new(503, "5.5.1", text);

    public static LmtpReply Unavailable(string text = "Temporary failure, please retry") => new(451, "4.3.0", text);

    /// <summary>The wire form: "250-..." continuation lines, "250 ..." last, each CRLF-terminated.</summary>
    public byte[] ToBytes()
    {
        var sb = new StringBuilder();
        var lines = Lines.Length == 0 ? [""] : Lines;
        for (var i = 0; i < lines.Length; i++)
        {
            sb.Append(Code).Append(i == lines.Length - 1 ? ' ' : '-');

            // RFC 2034: the enhanced code goes on every line of a reply except LHLO's capability list.
            if (Enhanced is not null)
            {
                sb.Append(Enhanced).Append(' ');
            }

            sb.Append(lines[i]).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public override string ToString() => Encoding.UTF8.GetString(ToBytes()).TrimEnd();
}
