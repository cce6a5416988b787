using System.Text;

namespace OrleansMail.Submission;

/// <summary>
/// How a queued message is stored: its envelope as SMTP would say it ("MAIL FROM:&lt;…&gt;", one "RCPT TO:&lt;…&gt;"
/// per recipient), an empty line, then the message's bytes as they are.
/// </summary>
public sealed record OutboundEnvelope(string From, IReadOnlyList<string> Recipients)
{
    /// <summary>Whether an address may go in an envelope line: no line breaks, angle brackets or spaces.</summary>
    public static bool IsSafe(string address) => !address.Any(c => char.IsControl(c) || c is '<' or '>' or ' ');

    public byte[] Header()
    {
        if (!IsSafe(From) || Recipients.Count == 0 || !Recipients.All(r => r.Length > 0 && IsSafe(r)))
        {
            throw new ArgumentException("an envelope address holds a character no envelope line may");
        }

        var text = new StringBuilder($"MAIL FROM:<{From}>\r\n");
        foreach (var recipient in Recipients)
        {
            text.Append("RCPT TO:<").Append(recipient).Append(">\r\n");
        }

        return Encoding.UTF8.GetBytes(text.Append("\r\n").ToString());
    }

    /// <summary>Reads the envelope at the start of a stored item; the message starts at <paramref name="bodyOffset"/>.</summary>
    public static OutboundEnvelope Parse(byte[] item, out int bodyOffset)
    {
        var end = item.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new FormatException("a queued item without its envelope");
        }

        bodyOffset = end + 4;
        var lines = Encoding.UTF8.GetString(item, 0, end).Split("\r\n");
        string? from = null;
        var recipients = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("MAIL FROM:<", StringComparison.Ordinal) && line.EndsWith('>'))
            {
                from = line["MAIL FROM:<".Length..^1];
            }
            else if (line.StartsWith("RCPT TO:<", StringComparison.Ordinal) && line.EndsWith('>'))
            {
                recipients.Add(line["RCPT TO:<".Length..^1]);
            }
            else
            {
                throw new FormatException("a queued item with a malformed envelope line");
            }
        }

        return new OutboundEnvelope(from ?? throw new FormatException("a queued item without MAIL FROM"), recipients);
    }
}
