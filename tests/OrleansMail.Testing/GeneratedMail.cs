using System.Text;
using MimeKit;
using MimeKit.Text;

namespace OrleansMail.Testing;

/// <summary>Random messages as mail clients and lists send them: several charsets, quoted-printable and base64, HTML, attachments, encoded words.</summary>
public static class GeneratedMail
{
    public static readonly string[] Words =
    [
        "budget", "Budget", "report", "meeting", "naïve", "Grüße", "Straße", "привет", "ПРИВЕТ", "日本語", "テスト", "ελληνικά", "ΣΊΣΥΦΟΣ", "σίσυφος",
        "İstanbul", "istanbul", "café", "CAFÉ", "résumé", "x42", "2026", "foo-bar", "e-mail", "über", "Ünïcödé", "año", "quarterly", "ﬁnance",
        "release", "v2.0", "alice@example.com", "Bob", "smörgåsbord", "zebra", "Zürich", "déjà", "vu", "abc123def", "O'Brien",
    ];

    private static readonly string[] Charsets = ["utf-8", "iso-8859-1", "windows-1252", "koi8-r", "utf-8"];

    public static string Sentence(Random random, int words) => string.Join(random.Next(4) == 0 ? ", " : " ", Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));

    static GeneratedMail() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static byte[] Message(Random random)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(Sentence(random, 2), $"{Pick(random, "alice", "bob", "carol", "dmitri")}@{Pick(random, "example.com", "lists.example.org", "почта.рф")}"));
        message.To.Add(new MailboxAddress(Sentence(random, 1), "user@example.net"));
        if (random.Next(2) == 0)
        {
            message.Cc.Add(new MailboxAddress(Sentence(random, 2), $"cc{random.Next(9)}@example.org"));
        }

        message.Subject = Sentence(random, random.Next(1, 6));
        message.Headers.Add("X-Mailing-List", Sentence(random, 2));
        if (random.Next(3) == 0)
        {
            message.Headers.Add("Keywords", Sentence(random, 3));
        }

        var parts = new List<MimeEntity> { Text(random, random.Next(3) == 0) };
        if (random.Next(2) == 0)
        {
            parts.Add(Text(random, html: true));
        }

        if (random.Next(3) == 0)
        {
            parts.Add(new MimePart("application", "octet-stream")
            {
                Content = new MimeContent(new MemoryStream(Encoding.UTF8.GetBytes(Sentence(random, 20)))),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = Sentence(random, 1) + ".bin",
            });
        }

        if (random.Next(4) == 0)
        {
            var attached = Text(random, html: false);
            attached.FileName = "notes.txt";
            parts.Add(attached);
        }

        if (parts.Count == 1)
        {
            message.Body = parts[0];
        }
        else
        {
            var mixed = new Multipart(random.Next(2) == 0 ? "mixed" : "alternative");
            foreach (var p in parts)
            {
                mixed.Add(p);
            }

            message.Body = mixed;
        }

        using var buffer = new MemoryStream();
        message.WriteTo(FormatOptions.Default, buffer);
        return buffer.ToArray();
    }

    private static TextPart Text(Random random, bool html)
    {
        var charset = Charsets[random.Next(Charsets.Length)];
        var words = Sentence(random, random.Next(5, 60));
        var text = html
            ? $"<html><head><style>p {{ color: red }}</style></head><body><p>{words.Replace(" ", random.Next(2) == 0 ? " <b>" : "</b> ", StringComparison.Ordinal)}</p><div>&amp; caf&eacute; &#x263A;</div></body></html>"
            : words + "\r\n-- \r\n" + Sentence(random, 3);
        var part = new TextPart(html ? TextFormat.Html : TextFormat.Plain)
        {
            ContentTransferEncoding = random.Next(3) switch { 0 => ContentEncoding.QuotedPrintable, 1 => ContentEncoding.Base64, _ => ContentEncoding.EightBit },
        };
        var encoding = Encoding.GetEncoding(charset);
        if (encoding.GetString(encoding.GetBytes(text)) != text)
        {
            charset = "utf-8";
        }

        if (charset != "utf-8" && part.ContentTransferEncoding == ContentEncoding.EightBit)
        {
            // 8-bit text only as UTF-8: the message then travels as a .NET string (LMTP in the tests) unchanged.
            part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        }

        part.SetText(charset, text);
        return part;
    }

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];
}
