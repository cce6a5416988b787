using System.Text;
using MailKit;
using OrleansMail.Grains.Storage;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// A message to several local recipients is stored once (docs/architecture.md, "Single instance"), each recipient
/// keeping only its own trace headers; every client still sees exactly the bytes a copy of its own would hold.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class SingleInstanceTests(ImapHost host)
{
    [Theory]
    [InlineData(2_000)]
    [InlineData(180_000)] // above the host's cached-body limit: served by ranged reads
    public async Task Five_recipients_share_one_stored_content_and_each_reads_its_exact_bytes(int padding)
    {
        var users = Enumerable.Range(0, 5).Select(_ => host.NewUser()).ToArray();
        var alone = host.NewUser();
        var message = Multipart(padding);
        var original = Encoding.ASCII.GetBytes(message);
        var sharedBefore = await CountAsync("shared/");
        Assert.All(await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, [.. users.Select(u => u + "@localhost")], message), r => Assert.StartsWith("250", r, StringComparison.Ordinal));
        Assert.StartsWith("250", await host.DeliverAsync(alone, message), StringComparison.Ordinal);
        Assert.Equal(sharedBefore + 1, await CountAsync("shared/"));

        using var reference = await host.ConnectAsync(alone);
        await reference.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var structure = (await reference.Inbox.FetchAsync(0, -1, MessageSummaryItems.BodyStructure))[0].Body!.ToString();

        foreach (var user in users)
        {
            // What this recipient's own copy would be: its trace headers, then the message as received.
            var copy = (await host.Store.ListAllAsync(UserObjectNames.For(user).MessagesPrefix).ToListAsync()).Single();
            Assert.True(copy.Size < 1_000, $"{user}'s object holds {copy.Size} bytes: more than its trace headers");
            var expected = (await host.Store.ReadBytesAsync(copy.Name))!.Concat(original).ToArray();

            using var client = await host.ConnectAsync(user);
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var summary = (await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Size | MessageSummaryItems.BodyStructure | MessageSummaryItems.UniqueId))[0];
            Assert.Equal((uint)expected.Length, summary.Size);
            Assert.Equal(structure, summary.Body!.ToString());
            Assert.Equal(expected, await ReadAsync(await client.Inbox.GetStreamAsync(summary.UniqueId)));
            var prefix = expected.Length - original.Length;
            foreach (var (offset, count) in new[] { (0, 10), (prefix - 5, 20), (prefix, 100), (prefix + 1_000, 700), (expected.Length - 50, 50) })
            {
                var part = await ReadAsync(await client.Inbox.GetStreamAsync(summary.UniqueId, offset, count));
                Assert.Equal(expected.AsSpan(offset, count).ToArray(), part);
            }

            var text = await ReadAsync(await client.Inbox.GetStreamAsync(summary.UniqueId, "TEXT"));
            var bodyStart = Encoding.ASCII.GetString(original).IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
            Assert.Equal(original[bodyStart..], text);
        }
    }

    private async Task<int> CountAsync(string prefix) => await host.Store.ListAllAsync(prefix).CountAsync();

    private static async Task<byte[]> ReadAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await using (stream)
        {
            await stream.CopyToAsync(memory);
        }

        return memory.ToArray();
    }

    private static string Multipart(int padding) =>
        "From: Sender <sender@example.org>\r\nTo: many@example.org\r\nSubject: shared\r\nDate: Tue, 3 Nov 2026 10:00:00 +0000\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThe text part.\r\n" +
        "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        string.Concat(Enumerable.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkwYWJjZGVmZ2hpamtsbW5vcHFy\r\n", (padding / 72) + 1)) +
        "--b1--\r\n";
}
