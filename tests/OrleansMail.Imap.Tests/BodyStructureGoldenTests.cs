using System.IO.Pipelines;
using System.Text;
using OrleansMail.Imap.Protocol;
using OrleansMail.MailStorage.Summaries;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// ENVELOPE and BODYSTRUCTURE of a corpus of real-world shapes (MIME oddities, RFC 2047 words, RFC 2231
/// parameters, message/rfc822, a missing final boundary, groups and source routes) against golden answers taken
/// from Dovecot 2.3 on the same files (Corpus/*.expected); where this server answers differently on purpose, the
/// golden file says so in a comment line.
/// </summary>
public sealed class BodyStructureGoldenTests
{
    public static TheoryData<string> Messages()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.eml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Envelope_and_bodystructure_match_the_golden_answer(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Corpus");
        await using var content = File.OpenRead(Path.Combine(folder, name + ".eml"));
        var summary = await SummaryBuilder.BuildAsync(content);
        var expected = File.ReadAllLines(Path.Combine(folder, name + ".expected")).Where(l => !l.StartsWith('#')).Select(l => l.Replace("\\r\\n", "\r\n", StringComparison.Ordinal)).ToList();
        // The golden files hold the values as doveadm prints them, without the outer parentheses.
        Same("ENVELOPE", "(" + expected[0] + ")", Render(w => ImapFormat.Envelope(w, summary.Envelope)));
        Same("BODYSTRUCTURE", "(" + expected[1] + ")", Render(w => ImapFormat.BodyStructure(w, summary.Body, extensible: true)));
    }

    private static void Same(string what, string expected, string actual)
    {
        // Types, subtypes, parameter names, encodings and disposition types are case-insensitive (RFC 2045 §5.1,
        // §6.1; RFC 2183): Dovecot passes the message's spelling on, this server upper-cases them as RFC 3501's
        // examples do. Everything else must match exactly, so the comparison ignores case only there.
        var (e, a) = (Canonical(expected), Canonical(actual));
        Assert.True(string.Equals(e, a, StringComparison.OrdinalIgnoreCase), $"{what} differs\nexpected: {e}\nactual:   {a}");
        Assert.Equal(ValuesOnly(e), ValuesOnly(a));
    }

    private static string Render(Action<ImapResponseWriter> write)
    {
        var pipe = new Pipe();
        write(new ImapResponseWriter(pipe.Writer));
        pipe.Writer.Complete();
        var bytes = new List<byte>();
        while (pipe.Reader.TryRead(out var read))
        {
            foreach (var segment in read.Buffer)
            {
                bytes.AddRange(segment.Span.ToArray());
            }

            pipe.Reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>The strings that are values (not keywords): everything but the quoted atoms RFC 2045 makes case-insensitive.</summary>
    private static string ValuesOnly(string canonical) =>
        System.Text.RegularExpressions.Regex.Replace(canonical, "\"(text|plain|html|multipart|mixed|alternative|related|message|rfc822|image|png|application|pdf|x-stuff|charset|name|boundary|type|filename|title\\*?|filename\\*|7bit|8bit|base64|quoted-printable|attachment|inline)\"", "K", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>Literals ({n} CRLF bytes) rewritten as quoted strings, so a literal and a quoted string that carry the same text compare equal.</summary>
    private static string Canonical(string imap)
    {
        var result = new StringBuilder();
        for (var i = 0; i < imap.Length; i++)
        {
            if (imap[i] == '{' && imap.IndexOf("}\r\n", i, StringComparison.Ordinal) is var close and > 0 && int.TryParse(imap.AsSpan(i + 1, close - i - 1), out var length))
            {
                // The length counts octets: take that many bytes of UTF-8, not that many characters.
                var bytes = Encoding.UTF8.GetBytes(imap[(close + 3)..]);
                var text = Encoding.UTF8.GetString(bytes, 0, length);
                result.Append('"').Append(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                i = close + 2 + text.Length;
                continue;
            }

            result.Append(imap[i]);
        }

        return result.ToString();
    }
}
