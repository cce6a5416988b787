using Xunit;
using System.Text;
using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Search;
using OrleansMail.MailStorage.Summaries;
using OrleansMail.Testing;

namespace OrleansMail.FullText.Tests;

/// <summary>
/// The index's promise: for every text key, what it answers (a match, no match, or "read the message") gives exactly
/// what reading every message gives. Generated mailboxes in several charsets and transfer encodings, with HTML and
/// attachments; needles cut from the messages' own text, in other case, across words, and not in any message.
/// </summary>
public sealed class IndexedSearchPropertyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "om-fts-" + Guid.NewGuid().ToString("N"));

    static IndexedSearchPropertyTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public void Dispose() => UserTextIndex.Clear(_folder);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_text_key_answers_what_reading_every_message_answers(int seed)
    {
        var random = new Random(seed);
        var messages = new List<(Guid Id, byte[] Raw, MessageSummary Summary)>();
        using var index = UserTextIndex.Open(Path.Combine(_folder, seed.ToString(System.Globalization.CultureInfo.InvariantCulture)), new FullTextOptions());
        var texts = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var raw = GeneratedMail.Message(random);
            var (summary, text) = await SummaryBuilder.BuildAsync(new MemoryStream(raw), 512 * 1024);
            var id = Guid.NewGuid();
            index.Add(id, text!);
            messages.Add((id, raw, summary));
            texts.AddRange(text!.BodyTexts);
            texts.AddRange(text.Headers.Select(h => h.Value));
            texts.Add(text.Subject);
        }

        var decided = 0;
        var asked = 0;
        foreach (var needle in Needles(random, texts, 120))
        {
            foreach (var criterion in Criteria(needle))
            {
                var hits = index.Find(criterion);
                foreach (var (id, raw, summary) in messages)
                {
                    var expected = Scan(criterion, raw, summary);
                    bool actual;
                    if (hits is null || hits.Candidates.Contains(id))
                    {
                        actual = expected; // read: the scan decides
                    }
                    else
                    {
                        actual = hits.Matches.Contains(id);
                        decided++;
                    }

                    asked++;
                    Assert.True(expected == actual, $"{criterion} on message {id}: read says {expected}, index says {actual}\n{Encoding.UTF8.GetString(raw)}");
                }
            }
        }

        // The index must narrow, not only defer: most answers come without reading the message.
        Assert.True(decided > asked * 0.7, $"{decided} of {asked} answered by the index alone");
    }

    private static IEnumerable<TextCriterion> Criteria(string needle) =>
    [
        new(TextScope.Body, null, needle),
        new(TextScope.Text, null, needle),
        new(TextScope.Subject, null, needle),
        new(TextScope.From, null, needle),
        new(TextScope.To, null, needle),
        new(TextScope.Cc, null, needle),
        new(TextScope.Header, "x-mailing-list", needle),
        new(TextScope.Header, "Keywords", needle),
    ];

    private static bool Scan(TextCriterion c, byte[] raw, MessageSummary summary)
    {
        var envelope = summary.Envelope;
        return c.Field switch
        {
            TextScope.Body => MessageText.BodyContains(raw, c.Needle, includeHeaders: false),
            TextScope.Text => MessageText.BodyContains(raw, c.Needle, includeHeaders: true),
            TextScope.Header => MessageText.HeaderContains(raw, c.HeaderName!, c.Needle),
            TextScope.Subject => c.Needle.Length == 0 || MessageText.Contains(MessageText.Decode(envelope.Subject), c.Needle),
            _ => (c.Field switch { TextScope.From => envelope.From, TextScope.To => envelope.To, TextScope.Cc => envelope.Cc, _ => envelope.Bcc })
                .Any(a => MessageText.Contains(MessageText.Decode(a.Name), c.Needle) || MessageText.Contains(MessageText.AddressText(a), c.Needle)),
        };
    }

    private static IEnumerable<string> Needles(Random random, List<string> texts, int count)
    {
        yield return "";
        yield return "-";
        yield return "nowhere-to-be-found";
        yield return "ss";
        yield return "STRASSE";
        for (var i = 0; i < count; i++)
        {
            switch (random.Next(5))
            {
                case 0:
                    yield return GeneratedMail.Words[random.Next(GeneratedMail.Words.Length)];
                    break;
                case 1:
                    yield return GeneratedMail.Words[random.Next(GeneratedMail.Words.Length)].ToUpperInvariant();
                    break;
                default:
                    var text = texts[random.Next(texts.Count)];
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    var start = random.Next(text.Length);
                    var length = Math.Min(text.Length - start, random.Next(1, 14));
                    var cut = text.Substring(start, length);
                    yield return random.Next(2) == 0 ? cut : cut.ToLowerInvariant();
                    break;
            }
        }
    }
}
