using System.Text;
using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// The full-text index follows the mail index through the same failures (docs/architecture.md, "Full-text search"):
/// uploaded when the user leaves, loaded again from the silo's disk or the store, filled from the bodies when lost,
/// when a silo dies before uploading it, or when an administrator asks.
/// </summary>
public sealed class FullTextIndexTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private MailCluster _cluster = null!;
    private MessageIngest _ingest = null!;

    public async Task InitializeAsync()
    {
        _cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder), silos: 2);
        _ingest = new MessageIngest(_cluster.Store, _cluster.Client, new IngestOptions { TempDirectory = _folder.Path }, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task The_index_is_uploaded_when_the_user_leaves_and_loaded_from_the_disk_or_the_store()
    {
        const string user = "fts-leave";
        await DeliverAsync(user, 6);
        var status = await CompleteAsync(user, 6);
        Assert.Null(status.Published);
        await AssertAnswersAsync(user);

        await _cluster.User(user).DeactivateAsync();
        Assert.NotNull(await _cluster.Store.GetPropertiesAsync(UserObjectNames.For(user).FullTextPrefix + "manifest"));
        status = await CompleteAsync(user, 6);
        Assert.True(status.LoadedFrom is "the silo's disk" or "the object store", status.LoadedFrom);
        await AssertAnswersAsync(user);

        // An expunged message leaves the index; the silo's copy lost (a new machine): downloaded, not read back from
        // the bodies.
        var inbox = await _cluster.User(user).GetMailboxAsync("INBOX");
        await _cluster.User(user).StoreFlagsAsync(inbox.Id, Mail.UidSet.Of(1), Mail.FlagOperation.Add, Mail.MessageFlags.Deleted, []);
        await _cluster.User(user).ExpungeAsync(inbox.Id, Mail.UidSet.Of(1));
        await _cluster.User(user).DeactivateAsync();
        foreach (var silo in _cluster.Cluster.Silos)
        {
            DeleteLocalIndex(silo.Name, user);
        }

        status = await CompleteAsync(user, 5);
        Assert.Equal("the object store", status.LoadedFrom);
        await AssertAnswersAsync(user, except: 0);
    }

    [Fact]
    public async Task A_lost_index_is_filled_again_from_the_bodies_and_answers_the_same()
    {
        const string user = "fts-lost";
        await DeliverAsync(user, 8);
        await CompleteAsync(user, 8);
        await _cluster.User(user).DeactivateAsync();
        await foreach (var entry in _cluster.Store.ListAllAsync(UserObjectNames.For(user).FullTextPrefix))
        {
            await _cluster.Store.DeleteAsync(entry.Name);
        }

        foreach (var silo in _cluster.Cluster.Silos)
        {
            DeleteLocalIndex(silo.Name, user);
        }

        var status = await CompleteAsync(user, 8);
        Assert.Equal("nothing (new)", status.LoadedFrom);
        await AssertAnswersAsync(user);

        // An administrator's rebuild drops it and reads every body again.
        status = await _cluster.User(user).RebuildFullTextAsync();
        Assert.Equal("rebuild", status.LoadedFrom);
        await CompleteAsync(user, 8);
        await AssertAnswersAsync(user);
    }

    [Fact]
    public async Task A_silo_killed_before_uploading_the_index_leaves_it_complete_after_the_next_activation()
    {
        const string user = "fts-kill";
        await DeliverAsync(user, 5);
        await CompleteAsync(user, 5);
        await _cluster.User(user).DeactivateAsync(); // five uploaded

        await DeliverAsync(user, 4, first: 5); // four only in the silo's memory and disk
        await CompleteAsync(user, 9);

        // The next activation is on the other silo: the five the store names (downloaded, or that silo's own copy
        // when the user lived there before), the other four read back from their bodies.
        await _cluster.KillSiloOfAsync(user);
        var status = await MailCluster.RetryAsync(() => CompleteAsync(user, 9));
        Assert.True(status.LoadedFrom is "the object store" or "the silo's disk", status.LoadedFrom);
        await AssertAnswersAsync(user);
    }

    [Fact]
    public async Task One_word_is_answered_for_certain_and_a_phrase_leaves_candidates_to_read()
    {
        const string user = "fts-answers";
        await DeliverAsync(user, 3);
        await CompleteAsync(user, 3);
        var inbox = await _cluster.User(user).GetMailboxAsync("INBOX");
        var answers = (await _cluster.User(user).SearchTextAsync(inbox.Id, [
            new TextCriterion(TextScope.Body, null, "kiwi1"),
            new TextCriterion(TextScope.Body, null, "kiwi1 and"),
            new TextCriterion(TextScope.Subject, null, "NUMBER 2"),
            new TextCriterion(TextScope.Header, "X-Fruit", ""),
            new TextCriterion(TextScope.Body, null, "--"),
        ]))!;
        Assert.Equal([2u], answers[0].Matches);
        Assert.Empty(answers[0].Candidates);
        Assert.Empty(answers[1].Matches);
        Assert.Equal([2u], answers[1].Candidates);
        Assert.Equal([3u], answers[2].Candidates);
        Assert.Equal([1u, 2u, 3u], answers[3].Matches);
        Assert.Equal([1u, 2u, 3u], answers[4].Candidates); // no word to look for: every message is read

        // A needle of thousands of words (the client's to choose) is answered from a few of them, never refused;
        // a field name no indexed field can have leaves every message to be read.
        var many = string.Join(' ', Enumerable.Range(0, 3000).Select(i => $"w{i}")) + " kiwi1";
        var wide = (await _cluster.User(user).SearchTextAsync(inbox.Id, [
            new TextCriterion(TextScope.Body, null, many),
            new TextCriterion(TextScope.Header, new string('x', 5000), "kiwi"),
        ]))!;
        Assert.Empty(wide[0].Matches);
        Assert.Empty(wide[1].Matches);
        Assert.Equal([1u, 2u, 3u], wide[1].Candidates);
    }

    private async Task DeliverAsync(string user, int count, int first = 0)
    {
        for (var i = first; i < first + count; i++)
        {
            var raw = $"From: Sender <s@example.org>\r\nTo: {user}@example.org\r\nSubject: Message number {i}\r\nX-Fruit: kiwi\r\n\r\nThe word kiwi{i} and pear.\r\n";
            await using var message = await _ingest.ReceiveAsync(new MemoryStream(Encoding.UTF8.GetBytes(raw)));
            await _ingest.DeliverAsync(message, new DeliveryTarget(user, TracePrefix: Encoding.ASCII.GetBytes($"Delivered-To: {user}@example.org\r\n")));
        }
    }

    /// <summary>Waits until the index holds <paramref name="count"/> messages and waits for none.</summary>
    private async Task<FullTextStatus> CompleteAsync(string user, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await MailCluster.RetryAsync(() => _cluster.User(user).GetFullTextStatusAsync());
            if ((status.Indexed == count && status.Waiting == 0 && !status.Filling) || DateTime.UtcNow > deadline)
            {
                Assert.True(status.Indexed == count && status.Waiting == 0, $"index not complete: {status}");
                return status;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Each message's own word finds it alone, for certain; the word every message has finds all of them.</summary>
    private async Task AssertAnswersAsync(string user, int? except = null)
    {
        var grain = _cluster.User(user);
        var inbox = await grain.GetMailboxAsync("INBOX");
        var listing = await grain.FetchAsync(inbox.Id, Mail.UidSet.Range(1, uint.MaxValue));
        var found = new List<uint>();
        for (var i = 0; i < listing.Length + (except is null ? 0 : 1); i++)
        {
            // A recovery may number the messages anew: each word finds one message, and together all of them.
            var answer = (await grain.SearchTextAsync(inbox.Id, [new TextCriterion(TextScope.Body, null, $"kiwi{i}")]))!.Single();
            Assert.Empty(answer.Candidates);
            Assert.Equal(i == except ? 0 : 1, answer.Matches.Count);
            found.AddRange(answer.Matches);
        }

        Assert.Equal(listing.Select(m => m.Uid), found.Order());

        var pear = (await grain.SearchTextAsync(inbox.Id, [new TextCriterion(TextScope.Text, null, "PEAR")]))!.Single();
        Assert.Equal(listing.Select(m => m.Uid), pear.Matches);
        var delivered = (await grain.SearchTextAsync(inbox.Id, [new TextCriterion(TextScope.Header, "delivered-to", user)]))!.Single();
        Assert.Equal(listing.Select(m => m.Uid), delivered.Matches.Concat(delivered.Candidates).Order());
    }

    private void DeleteLocalIndex(string silo, string user)
    {
        var folder = Path.Combine(_cluster.CacheOf(silo), UserObjectNames.For(user).User, "fts");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
