using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>Extensions that change the session itself: COMPRESS=DEFLATE (RFC 4978), UNAUTHENTICATE (RFC 8437), PREVIEW (RFC 8970).</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SessionExtensionTests(ImapHost host)
{
    [Fact]
    public async Task MailKit_compresses_the_session_and_reads_every_body_byte_for_byte()
    {
        var user = host.NewUser();
        var bodies = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var body = string.Concat(Enumerable.Repeat($"line {i} of a compressible text body\r\n", 200 * (i + 1)));
            bodies.Add(body);
            Assert.StartsWith("250", await host.DeliverAsync(user, ImapHost.Message("compressed " + i, body)));
        }

        using var client = await host.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Compress));
        await client.CompressAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        for (var i = 0; i < bodies.Count; i++)
        {
            Assert.Equal($"compressed {i}", (await client.Inbox.GetMessageAsync(i)).Subject);
            await using var text = await client.Inbox.GetStreamAsync(i, "TEXT");
            using var copy = new MemoryStream();
            await text.CopyToAsync(copy);
            Assert.Equal(Encoding.ASCII.GetBytes(bodies[i] + "\r\n"), copy.ToArray());
        }

        // A second COMPRESS is refused over the compressed stream, and the session goes on.
        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0]);
        Assert.Contains(folders, f => f.FullName == "INBOX");
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Compress_is_for_logged_in_sessions_once_and_deflate_only()
    {
        var user = host.NewUser();
        await using var t = await host.TranscriptAsync();
        Assert.DoesNotContain("COMPRESS", t.Greeting);
        Assert.StartsWith("a1 BAD", (await t.CommandAsync("a1", "COMPRESS DEFLATE"))[^1]);
        Assert.Contains("COMPRESS=DEFLATE", (await t.CommandAsync("a2", $"LOGIN {user} secret"))[^1]);
        Assert.StartsWith("a3 BAD", (await t.CommandAsync("a3", "COMPRESS GZIP"))[^1]);
    }

    [Fact]
    public async Task After_compress_both_directions_are_raw_deflate_and_a_second_compress_is_compressionactive()
    {
        // Raw bytes, so what the wire carries is checked, not what a client library makes of it.
        var user = host.NewUser();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", host.ImapPort);
        var stream = tcp.GetStream();
        var plain = new StreamReader(stream, Encoding.ASCII, false, 1, leaveOpen: true);
        await plain.ReadLineAsync();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"a1 LOGIN {user} secret\r\na2 COMPRESS DEFLATE\r\n"));
        Assert.StartsWith("a1 OK", await plain.ReadLineAsync());
        Assert.Equal("a2 OK DEFLATE active", await plain.ReadLineAsync());

        await using var deflate = new DeflateStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        await using var inflate = new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true);
        var reader = new StreamReader(inflate, Encoding.ASCII);
        await deflate.WriteAsync(Encoding.ASCII.GetBytes("a3 NOOP\r\na4 COMPRESS DEFLATE\r\n"));
        await deflate.FlushAsync();
        Assert.Equal("a3 OK NOOP completed", await reader.ReadLineAsync());
        Assert.Equal("a4 NO [COMPRESSIONACTIVE] Compression is already on", await reader.ReadLineAsync());
    }

    [Fact]
    public async Task Unauthenticate_returns_to_the_start_without_closing_the_connection()
    {
        // RFC 8437: as if the connection were new: nothing selected, nothing enabled, the user's session slot free.
        var first = host.NewUser();
        var second = host.NewUser();
        await host.DeliverAsync(first, ImapHost.Message("first's"));
        await using var t = await host.LoggedInAsync(first);
        Assert.Contains("UNAUTHENTICATE", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        await t.CommandAsync("a2", "ENABLE QRESYNC");
        await t.CommandAsync("a3", "SELECT INBOX");
        Assert.Equal("a4 OK UNAUTHENTICATE completed", (await t.CommandAsync("a4", "UNAUTHENTICATE"))[^1]);
        Assert.StartsWith("a5 BAD", (await t.CommandAsync("a5", "FETCH 1 FLAGS"))[^1]);
        var caps = (await t.CommandAsync("a6", "CAPABILITY"))[0];
        Assert.Contains("AUTH=PLAIN", caps);
        Assert.DoesNotContain("UNAUTHENTICATE", caps);
        Assert.StartsWith("a7 OK", (await t.CommandAsync("a7", $"LOGIN {second} secret"))[^1]);

        // QRESYNC was reset: SELECT with its parameters needs ENABLE again.
        Assert.StartsWith("a8 BAD", (await t.CommandAsync("a8", "SELECT INBOX (QRESYNC (1 1))"))[^1]);
        var select = await t.CommandAsync("a9", "SELECT INBOX");
        Assert.Contains("* 0 EXISTS", select);
    }

    [Fact]
    public async Task Preview_comes_from_the_summary_with_or_without_lazy()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("previewed", "Lunch   at noon?\r\nBring   the\tslides."));
        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("PREVIEW", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        await t.CommandAsync("a2", "SELECT INBOX");
        Assert.Equal("* 1 FETCH (PREVIEW \"Lunch at noon? Bring the slides.\")", (await t.CommandAsync("a3", "FETCH 1 PREVIEW"))[0]);
        Assert.Equal("* 1 FETCH (UID 1 PREVIEW \"Lunch at noon? Bring the slides.\")", (await t.CommandAsync("a4", "UID FETCH 1 (PREVIEW (LAZY))"))[0]);
        Assert.Equal("* 1 FETCH (PREVIEW \"Lunch at noon? Bring the slides.\")", (await t.CommandAsync("a5", "FETCH 1 PREVIEW (LAZY)"))[0]);
        Assert.StartsWith("a6 BAD", (await t.CommandAsync("a6", "FETCH 1 (PREVIEW (EAGER))"))[^1]);
    }
}
