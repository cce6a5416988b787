using System.Text;
using MailKit;
using MailKit.Search;
using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Search;
using OrleansMail.MailStorage.Summaries;
using OrleansMail.Testing;
using MessageSummary = OrleansMail.MailStorage.Summaries.MessageSummary;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// SEARCH through the full-text index, over IMAP with MailKit: every text key answers what reading each stored
/// message answers, and a one-word search is answered without reading any message.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class FullTextSearchTests(ImapHost host)
{
    [Fact]
    public async Task Indexed_search_answers_what_reading_every_stored_message_answers()
    {
        var user = host.NewUser();
        var random = new Random(11);
        for (var i = 0; i < 40; i++)
        {
            Assert.StartsWith("250", await host.DeliverAsync(user, Encoding.UTF8.GetString(GeneratedMail.Message(random))), StringComparison.Ordinal);
        }

        await IndexedAsync(user, 40);
        using var client = await host.ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var stored = new List<(UniqueId Uid, byte[] Raw, MessageSummary Summary)>();
        var texts = new List<string>();
        foreach (var uid in await client.Inbox.SearchAsync(SearchQuery.All))
        {
            using var stream = await client.Inbox.GetStreamAsync(uid, "");
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            var raw = copy.ToArray();
            var (summary, text) = await SummaryBuilder.BuildAsync(new MemoryStream(raw), 1 << 20);
            stored.Add((uid, raw, summary));
            texts.AddRange([.. text!.BodyTexts, .. text.Headers.Select(h => h.Value), text.Subject]);
        }

        foreach (var needle in Needles(random, texts, 40))
        {
            foreach (var (query, scan) in Keys(needle))
            {
                var expected = stored.Where(s => scan(s.Raw, s.Summary)).Select(s => s.Uid).ToList();
                var found = await client.Inbox.SearchAsync(query);
                Assert.True(expected.SequenceEqual(found), $"{query}: reading finds [{string.Join(' ', expected)}], SEARCH answered [{string.Join(' ', found)}]");
            }
        }
    }

    [Fact]
    public async Task A_one_word_search_is_answered_without_reading_a_message()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("Quarterly figures", "The zanzibar numbers are in."));
        await host.DeliverAsync(user, ImapHost.Message("Lunch", "Shall we meet at noon?"));
        await host.DeliverAsync(user, ImapHost.Message("Travel", "Flights to Zanzibar, booked."));
        await IndexedAsync(user, 3);
        using var client = await host.ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        host.Faults.Block = name => name.Contains("/" + user + "/msg/", StringComparison.Ordinal);
        try
        {
            Assert.Equal([1u, 3u], (await client.Inbox.SearchAsync(SearchQuery.BodyContains("zanzibar"))).Select(u => u.Id));
            Assert.Equal([2u], (await client.Inbox.SearchAsync(SearchQuery.SubjectContains("LUNCH").And(SearchQuery.Not(SearchQuery.BodyContains("numbers"))))).Select(u => u.Id));
            Assert.Equal([1u, 2u, 3u], (await client.Inbox.SearchAsync(SearchQuery.Not(SearchQuery.BodyContains("nowhere")))).Select(u => u.Id));
        }
        finally
        {
            host.Faults.Block = null;
        }
    }

    [Fact]
    public async Task Fuzzy_search_finds_what_resembles_the_words_with_relevancy()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("Figures", "The quarterly budget report is late."));
        await host.DeliverAsync(user, ImapHost.Message("Plans", "Budgets, budgets and the budget again."));
        await host.DeliverAsync(user, ImapHost.Message("Lunch", "Shall we meet at noon?"));
        await IndexedAsync(user, 3);
        await using var imap = await host.LoggedInAsync(user);
        Assert.Contains("SEARCH=FUZZY", (await imap.CommandAsync("f1", "CAPABILITY"))[0]);
        await imap.CommandAsync("f2", "SELECT INBOX");

        // A misspelt word finds nothing exactly, and the messages with the word it resembles fuzzily.
        Assert.Equal("* SEARCH", (await imap.CommandAsync("f3", "SEARCH BODY budgte"))[0]);
        Assert.Equal("* SEARCH 1 2", (await imap.CommandAsync("f4", "SEARCH FUZZY BODY budgte"))[0]);
        var relevancy = (await imap.CommandAsync("f5", "UID SEARCH RETURN (RELEVANCY) FUZZY TEXT \"budget\""))[0];
        var scores = System.Text.RegularExpressions.Regex.Match(relevancy, @"^\* ESEARCH \(TAG ""f5""\) UID ALL 1:2 RELEVANCY \((\d+) (\d+)\)$");
        Assert.True(scores.Success, relevancy);
        Assert.All(scores.Groups.Values.Skip(1), g => Assert.InRange(int.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture), 1, 100));

        // FUZZY over a key that is not text is that key; an exact match the index's words miss still matches.
        Assert.Equal("* SEARCH 3", (await imap.CommandAsync("f6", "SEARCH FUZZY SUBJECT unc"))[0]);
        Assert.Equal("* SEARCH 1 2 3", (await imap.CommandAsync("f7", "SEARCH FUZZY ALL"))[0]);
    }

    private async Task IndexedAsync(string user, int count)
    {
        var grain = host.Grains.GetGrain<IUserGrain>(user);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        FullTextStatus status;
        while ((status = await grain.GetFullTextStatusAsync()).Indexed < count || status.Waiting > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"index not complete: {status}");
            await Task.Delay(100);
        }
    }

    private static IEnumerable<(SearchQuery Query, Func<byte[], MessageSummary, bool> Scan)> Keys(string needle) =>
    [
        (SearchQuery.BodyContains(needle), (raw, _) => MessageText.BodyContains(raw, needle, includeHeaders: false)),
        (SearchQuery.MessageContains(needle), (raw, _) => MessageText.BodyContains(raw, needle, includeHeaders: true)),
        (SearchQuery.SubjectContains(needle), (_, s) => MessageText.Contains(MessageText.Decode(s.Envelope.Subject), needle)),
        (SearchQuery.FromContains(needle), (_, s) => Addressed(s.Envelope.From, needle)),
        (SearchQuery.ToContains(needle), (_, s) => Addressed(s.Envelope.To, needle)),
        (SearchQuery.CcContains(needle), (_, s) => Addressed(s.Envelope.Cc, needle)),
        (SearchQuery.HeaderContains("X-Mailing-List", needle), (raw, _) => MessageText.HeaderContains(raw, "X-Mailing-List", needle)),
        (SearchQuery.BodyContains(needle).And(SearchQuery.NotSeen).Or(SearchQuery.SubjectContains(needle)), (raw, s) =>
            MessageText.BodyContains(raw, needle, includeHeaders: false) || MessageText.Contains(MessageText.Decode(s.Envelope.Subject), needle)),
    ];

    private static bool Addressed(EnvelopeAddress[] addresses, string needle) =>
        addresses.Any(a => MessageText.Contains(MessageText.Decode(a.Name), needle) || MessageText.Contains(MessageText.AddressText(a), needle));

    private static IEnumerable<string> Needles(Random random, List<string> texts, int count)
    {
        yield return "nowhere-to-be-found";
        yield return "STRASSE";
        yield return "localhost";
        for (var i = 0; i < count; i++)
        {
            var text = texts[random.Next(texts.Count)];
            if (random.Next(4) == 0 || text.Trim().Length == 0)
            {
                yield return GeneratedMail.Words[random.Next(GeneratedMail.Words.Length)];
                continue;
            }

            var start = random.Next(text.Length);
            var cut = text.Substring(start, Math.Min(text.Length - start, random.Next(1, 12))).Trim();
            if (cut.Length > 0 && !cut.Contains('"', StringComparison.Ordinal) && !cut.Contains('\\', StringComparison.Ordinal))
            {
                yield return random.Next(2) == 0 ? cut : cut.ToUpperInvariant();
            }
        }
    }
}
