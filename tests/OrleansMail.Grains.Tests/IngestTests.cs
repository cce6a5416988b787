using System.Text;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.MailStorage.Summaries;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>The one ingest path: spool once, store each copy durably with its own trace headers, then index.</summary>
public sealed class IngestTests : EmbeddedClusterTest
{
    private const string Multipart =
        "From: \"Alice Example\" <alice@example.org>\r\n" +
        "To: Bob <bob@example.org>, undisclosed-recipients:;\r\n" +
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n" +
        "Message-ID: <multi@example.org>\r\n" +
        "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
        "\r\n" +
        "--b1\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Hello Bob,\r\nsee attached.\r\n" +
        "--b1\r\n" +
        "Content-Type: application/octet-stream; name=\"a.bin\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "Content-Disposition: attachment; filename=\"a.bin\"\r\n" +
        "\r\n" +
        "AAECAwQ=\r\n" +
        "--b1--\r\n";

    private MessageIngest _ingest = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _ingest = new MessageIngest(Cluster.Store, Cluster.Client, new IngestOptions { MaxMessageSize = 5_000_000, MemorySpoolThreshold = 64 * 1024, TempDirectory = Folder }, TimeProvider.System);
    }

    [Fact]
    public async Task A_message_stored_once_for_three_users_is_deleted_when_the_last_copy_is_collected()
    {
        await using var message = await _ingest.ReceiveAsync(new MemoryStream(Encoding.UTF8.GetBytes(Multipart)));
        string[] users = ["si-a", "si-b", "si-c"];
        var copies = (await _ingest.ShareAsync(message, users))!;
        var content = Assert.Single(copies.Select(c => c.ContentName).Distinct());
        var saved = new List<SaveResult>();
        for (var i = 0; i < users.Length; i++)
        {
            var prefix = Encoding.ASCII.GetBytes($"Delivered-To: {users[i]}@example.org\r\n");
            saved.Add(await _ingest.DeliverAsync(message, new DeliveryTarget(users[i], TracePrefix: prefix, Shared: copies[i])));
        }

        // Each user reads its own trace headers, then the one stored content.
        var bodies = new MessageBodies(Cluster.Store, new BodyCacheOptions());
        for (var i = 0; i < users.Length; i++)
        {
            var expected = Encoding.ASCII.GetBytes($"Delivered-To: {users[i]}@example.org\r\n" + Multipart);
            Assert.Equal(expected, await bodies.ReadAsync(users[i], copies[i].BodyId));
            Assert.Empty((await Cluster.User(users[i]).VerifyAsync()).MissingBodies);
        }

        // Two of three delete it: the content stays for the third, which still reads it whole.
        for (var i = 0; i < 2; i++)
        {
            await ExpungeAndCollectAsync(users[i], saved[i]);
            Assert.NotNull(await Cluster.Store.GetPropertiesAsync(content));
        }

        Assert.Equal(Encoding.ASCII.GetBytes("Delivered-To: si-c@example.org\r\n" + Multipart), await new MessageBodies(Cluster.Store, new BodyCacheOptions()).ReadAsync("si-c", copies[2].BodyId));

        // The last one out deletes it.
        await ExpungeAndCollectAsync(users[2], saved[2]);
        Assert.Null(await Cluster.Store.GetPropertiesAsync(content));
    }

    [Fact]
    public async Task Verify_reports_a_copy_whose_shared_content_is_gone()
    {
        await using var message = await _ingest.ReceiveAsync(new MemoryStream(Encoding.UTF8.GetBytes(Multipart)));
        var copies = (await _ingest.ShareAsync(message, ["sv-a", "sv-b"]))!;
        await _ingest.DeliverAsync(message, new DeliveryTarget("sv-a", Shared: copies[0]));
        await _ingest.DeliverAsync(message, new DeliveryTarget("sv-b", Shared: copies[1]));
        await Cluster.Store.DeleteAsync(copies[0].ContentName);
        Assert.Equal([copies[0].BodyId], (await Cluster.User("sv-a").VerifyAsync()).MissingBodies);
    }

    private async Task ExpungeAndCollectAsync(string userId, SaveResult saved)
    {
        var user = Cluster.User(userId);
        await user.StoreFlagsAsync(saved.MailboxId, UidSet.Of(saved.Uid), FlagOperation.Add, MessageFlags.Deleted, []);
        await user.ExpungeAsync(saved.MailboxId, UidSet.Of(saved.Uid));
        Assert.Equal(1, await user.CollectGarbageAsync());
    }

    [Fact]
    public async Task Each_recipient_gets_its_trace_headers_plus_the_exact_bytes_and_a_summary()
    {
        await using var message = await _ingest.ReceiveAsync(new MemoryStream(Encoding.UTF8.GetBytes(Multipart)));
        Assert.True(message.Spool.InMemory);
        var prefix = Encoding.ASCII.GetBytes("Return-Path: <alice@example.org>\r\nDelivered-To: bob@example.org\r\n");
        var forBob = await _ingest.DeliverAsync(message, new DeliveryTarget("bob", TracePrefix: prefix));
        var forCarol = await _ingest.DeliverAsync(message, new DeliveryTarget("carol", MailboxName: "Archive", Flags: MessageFlags.Seen));
        Assert.Equal(1u, forBob.Uid);
        Assert.Equal(1u, forCarol.Uid);

        var bob = Cluster.User("bob");
        var view = Assert.Single(await bob.FetchAsync(forBob.MailboxId, UidSet.Of(forBob.Uid)));
        var stored = await Cluster.Store.ReadBytesAsync(UserObjectNames.For("bob").Body(view.BodyId));
        Assert.Equal(prefix.Concat(Encoding.UTF8.GetBytes(Multipart)).ToArray(), stored);
        Assert.Equal(stored!.Length, view.Size);

        var summary = MessageSummary.Decode((await bob.GetSummariesAsync([view.BodyId]))[0]!);
        Assert.Equal("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", summary.Envelope.Subject?.Trim());
        Assert.Equal("alice", summary.Envelope.From[0].Mailbox);
        Assert.Equal("Alice Example", summary.Envelope.From[0].Name);
        Assert.Equal("<multi@example.org>", summary.Envelope.MessageId);
        Assert.Equal(3, summary.Envelope.To.Length); // Bob, then the empty group's start and end markers
        Assert.Equal(new EnvelopeAddress(null, "undisclosed-recipients", null), summary.Envelope.To[1]);
        Assert.Equal(new EnvelopeAddress(null, null, null), summary.Envelope.To[2]);
        Assert.Equal("multipart", summary.Body.Type);
        Assert.Equal(2, summary.Body.Parts!.Length);
        var text = summary.Body.Parts[0];
        Assert.Equal("Hello Bob,\r\nsee attached.", Encoding.UTF8.GetString(stored, (int)text.BodyOffset, (int)text.Octets).TrimEnd('\r', '\n'));
        Assert.Equal("attachment", summary.Body.Parts[1].Disposition);
        Assert.Equal("base64", summary.Body.Parts[1].Encoding);
        Assert.StartsWith("Hello Bob, see attached.", summary.Preview, StringComparison.Ordinal);
        Assert.Equal("Return-Path", Encoding.ASCII.GetString(stored, 0, (int)summary.HeaderLength)[..11]);

        var carol = Cluster.User("carol");
        var carolView = Assert.Single(await carol.FetchAsync(forCarol.MailboxId, UidSet.Of(1)));
        Assert.Equal(MessageFlags.Seen, carolView.Flags);
        Assert.Equal("Archive", (await carol.ListMailboxesAsync()).Single(m => m.Id == forCarol.MailboxId).Name);
    }

    [Fact]
    public async Task A_large_message_spools_to_disk_and_round_trips_byte_exact()
    {
        var big = new StringBuilder("Subject: big\r\n\r\n");
        for (var i = 0; i < 40_000; i++)
        {
            big.Append("line ").Append(i).Append(" of a large body with some padding text\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(big.ToString());
        await using var message = await _ingest.ReceiveAsync(new MemoryStream(bytes));
        Assert.False(message.Spool.InMemory);
        var saved = await _ingest.DeliverAsync(message, new DeliveryTarget("dave"));
        var view = Assert.Single(await Cluster.User("dave").FetchAsync(saved.MailboxId, UidSet.Of(saved.Uid)));
        Assert.Equal(bytes, await Cluster.Store.ReadBytesAsync(UserObjectNames.For("dave").Body(view.BodyId)));
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1, 1000)]
    [InlineData(999, 1000)]
    [InlineData(1000, 1000)]
    [InlineData(1001, 1000)]
    [InlineData(250_007, 1000)]
    [InlineData(200_000, 300_000)] // the in-memory array doubles past its first size
    [InlineData(300_000, 300_000)]
    [InlineData(300_001, 300_000)]
    public async Task The_spool_keeps_every_byte_and_its_hash_at_each_side_of_the_memory_threshold(int length, int threshold)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        await using var spool = await SpooledMessage.CreateAsync(new TricklingStream(bytes), 1_000_000, memoryThreshold: threshold, Folder);
        Assert.Equal(length <= threshold, spool.InMemory);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), spool.Sha256);

        // Two views at once, as the summary parse and an upload read it.
        await using var first = spool.OpenRead();
        await using var second = spool.OpenRead();
        var (a, b) = (new MemoryStream(), new MemoryStream());
        await Task.WhenAll(first.CopyToAsync(a), second.CopyToAsync(b));
        Assert.Equal(bytes, a.ToArray());
        Assert.Equal(bytes, b.ToArray());
    }

    [Fact]
    public async Task The_preview_is_the_texts_first_256_characters_with_white_space_collapsed()
    {
        var random = new Random(5);
        var pieces = new[] { "word", " ", "  ", "\t", "\r\n", "\r\n\r\n ", "é", "x", "longerwordhere" };
        for (var round = 0; round < 200; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 120)).Select(_ => pieces[random.Next(pieces.Length)]));
            var message = $"Subject: p\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n";
            var summary = await SummaryBuilder.BuildAsync(new MemoryStream(Encoding.UTF8.GetBytes(message)));
            var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var collapsed = string.Join(' ', words);
            Assert.Equal(words.Length == 0 ? null : collapsed[..Math.Min(collapsed.Length, 256)], summary.Preview);
        }
    }

    /// <summary>Hands out its bytes a few at a time, as a network reader does.</summary>
    private sealed class TricklingStream(byte[] bytes) : MemoryStream(bytes)
    {
        private readonly Random _random = new(7);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _random.Next(1, 5000))], cancellationToken);
    }

    [Fact]
    public async Task An_oversized_message_is_refused_with_a_limit_error_and_nothing_is_stored()
    {
        var ingest = new MessageIngest(Cluster.Store, Cluster.Client, new IngestOptions { MaxMessageSize = 1000 }, TimeProvider.System);
        var e = await Assert.ThrowsAsync<MessageTooLargeException>(() => ingest.ReceiveAsync(new MemoryStream(new byte[5000])));
        Assert.Equal(MailStoreErrorKind.Limit, e.Kind);
        Assert.Empty(await Cluster.Store.ListAllAsync("users/").ToListAsync());
    }

    [Fact]
    public async Task Bytes_that_are_not_mime_are_still_stored_and_indexed()
    {
        var junk = new byte[] { 0, 1, 2, 0xFF, 0xFE, 13, 10, 13, 10, 65 };
        await using var message = await _ingest.ReceiveAsync(new MemoryStream(junk));
        var saved = await _ingest.DeliverAsync(message, new DeliveryTarget("erin"));
        var view = Assert.Single(await Cluster.User("erin").FetchAsync(saved.MailboxId, UidSet.Of(saved.Uid)));
        Assert.Equal(junk, await Cluster.Store.ReadBytesAsync(UserObjectNames.For("erin").Body(view.BodyId)));
    }
}
