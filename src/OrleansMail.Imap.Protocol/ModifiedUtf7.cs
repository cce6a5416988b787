using System.Text;

namespace OrleansMail.Imap.Protocol;

/// <summary>Mailbox names on the wire in IMAP4rev1 (RFC 3501 §5.1.3): printable ASCII as is, "&amp;-" for "&amp;", the rest UTF-16 in modified base64.</summary>
public static class ModifiedUtf7
{
    public static string Encode(string name)
    {
        var result = new StringBuilder(name.Length);
        var pending = new StringBuilder();
        foreach (var c in name)
        {
            if (c is >= (char)0x20 and <= (char)0x7e)
            {
                Flush(result, pending);
                result.Append(c == '&' ? "&-" : c.ToString());
            }
            else
            {
                pending.Append(c);
            }
        }

        Flush(result, pending);
        return result.ToString();
    }

    /// <summary>Decodes; false for text that is not valid modified UTF-7 (RFC 3501 says to refuse it).</summary>
    public static bool TryDecode(string wire, out string name)
    {
        var result = new StringBuilder(wire.Length);
        name = wire;
        for (var i = 0; i < wire.Length; i++)
        {
            var c = wire[i];
            if (c != '&')
            {
                if (c is < (char)0x20 or > (char)0x7e)
                {
                    // 8-bit names come from UTF-8 clients (RFC 6855); take them as they are.
                    result.Append(c);
                    continue;
                }

                result.Append(c);
                continue;
            }

            var end = wire.IndexOf('-', i + 1);
            if (end < 0)
            {
                return false;
            }

            if (end == i + 1)
            {
                result.Append('&');
                i = end;
                continue;
            }

            var chunk = wire[(i + 1)..end].Replace(',', '/');
            var padded = chunk.PadRight(chunk.Length + ((4 - (chunk.Length % 4)) % 4), '=');
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(padded);
            }
            catch (FormatException)
            {
                return false;
            }

            if (bytes.Length % 2 != 0)
            {
                return false;
            }

            result.Append(Encoding.BigEndianUnicode.GetString(bytes));
            i = end;
        }

        name = result.ToString();
        return true;
    }

    private static void Flush(StringBuilder result, StringBuilder pending)
    {
        if (pending.Length == 0)
        {
            return;
        }

        var base64 = Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(pending.ToString())).TrimEnd('=').Replace('/', ',');
        result.Append('&').Append(base64).Append('-');
        pending.Clear();
    }
}
