using System.Text;
using MimeKit;

namespace OrleansMail.Bench;

/// <summary>
/// A seeded, realistic mix of messages: mostly small text, some with attachments, a few large (about 48 KB on
/// average); dated over a few weeks, and about a third replies to an earlier one (Re: subject, References).
/// </summary>
internal static class MessageMix
{
    public static List<byte[]> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var words = "the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part".Split(' ');
        var list = new List<byte[]>(count);
        var subjects = new List<string>(count);
        var start = new DateTimeOffset(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            var textSize = roll < 0.6 ? random.Next(2_000, 10_000) : random.Next(3_000, 8_000);
            var attachment = roll < 0.6 ? 0 : roll < 0.9 ? random.Next(20_000, 100_000) : random.Next(200_000, 400_000);
            using var message = new MimeMessage();
            message.From.Add(new MailboxAddress("Sender " + random.Next(100), $"sender{random.Next(100)}@remote.example"));
            message.To.Add(new MailboxAddress("Recipient", "user@example.org"));
            message.MessageId = $"bench-{seed}-{i}@bench.example";
            message.Date = start.AddMinutes(i * 30 + random.Next(-600, 600));
            if (i > 0 && random.Next(3) == 0)
            {
                var parent = random.Next(i);
                message.Subject = "Re: " + subjects[parent];
                message.InReplyTo = $"bench-{seed}-{parent}@bench.example";
                message.References.Add(message.InReplyTo);
            }
            else
            {
                message.Subject = string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)]));
            }

            subjects.Add(message.Subject.StartsWith("Re: ", StringComparison.Ordinal) ? message.Subject[4..] : message.Subject);
            var text = new StringBuilder();
            while (text.Length < textSize)
            {
                text.Append(words[random.Next(words.Length)]).Append(text.Length % 70 < 6 ? "\n" : " ");
            }

            var body = new BodyBuilder { TextBody = text.ToString() };
            if (attachment > 0)
            {
                var data = new byte[attachment];
                random.NextBytes(data);
                body.Attachments.Add("data.bin", data);
            }

            message.Body = body.ToMessageBody();
            using var ms = new MemoryStream();
            message.WriteTo(FormatOptions.Default.Clone(), ms);
            list.Add(ms.ToArray());
        }

        return list;
    }
}
