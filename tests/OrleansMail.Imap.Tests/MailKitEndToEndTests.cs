using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>MailKit's ImapClient against the real silo host, with a second session checking what other sessions see.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class MailKitEndToEndTests(ImapHost host)
{
    private static MimeMessage Multipart(string subject, int attachmentBytes)
    {
        var builder = new BodyBuilder { TextBody = "See the attachment.\r\n", HtmlBody = "<p>See the <b>attachment</b>.</p>" };
        var payload = new byte[attachmentBytes];
        new Random(7).NextBytes(payload);
        builder.Attachments.Add("data.bin", payload, new ContentType("application", "octet-stream"));
        var inner = new MimeMessage();
        inner.From.Add(new MailboxAddress("Inner", "inner@example.org"));
        inner.Subject = "Forwarded";
        inner.Body = new TextPart("plain") { Text = "The forwarded text.\r\n" };
        builder.Attachments.Add(new MessagePart { Message = inner });
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Zoë Ünicode", "zoe@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = subject;
        message.Body = builder.ToMessageBody();
        return message;
    }

    private static byte[] Bytes(MimeMessage message)
    {
        using var memory = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, memory);
        return memory.ToArray();
    }

    [Fact]
    public async Task Append_then_fetch_returns_the_same_bytes_and_a_structure_MailKit_understands()
    {
        var user = host.NewUser();
        using var client = await host.ConnectAsync(user);
        var original = Multipart("Round trip ✓", 150_000); // above the cache threshold: streamed by range
        var uid = await client.Inbox.AppendAsync(original, MessageFlags.Seen);
        Assert.NotNull(uid);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var summary = (await client.Inbox.FetchAsync([uid.Value], MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure | MessageSummaryItems.Size | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate)).Single();
        Assert.Equal("Round trip ✓", summary.Envelope!.Subject);
        Assert.Equal("Zoë Ünicode", ((MailboxAddress)summary.Envelope.From[0]).Name);
        Assert.Equal((uint)Bytes(original).Length, summary.Size!.Value);
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Seen));
        var attachments = summary.Attachments.ToList();
        Assert.Contains(attachments, a => a.FileName == "data.bin");
        Assert.Equal("See the attachment.", ((TextPart)await client.Inbox.GetBodyPartAsync(uid.Value, summary.TextBody!)).Text.TrimEnd());
        Assert.Contains(summary.BodyParts, p => p.ContentType.IsMimeType("message", "rfc822"));

        using var stream = await client.Inbox.GetStreamAsync(uid.Value, "");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(Bytes(original), copy.ToArray());

        var fetched = await client.Inbox.GetMessageAsync(uid.Value);
        Assert.Equal("Forwarded", fetched.BodyParts.OfType<MessagePart>().Single().Message!.Subject);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Delivered_bytes_come_back_exactly_with_the_trace_headers_in_front()
    {
        var user = host.NewUser();
        var text = ImapHost.Message("Exact", "line one\r\n.leading dot\r\nlast");
        Assert.StartsWith("250", await host.DeliverAsync(user, text));
        using var client = await host.ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        using var stream = await client.Inbox.GetStreamAsync(0, "");
        var body = Encoding.UTF8.GetString(((MemoryStream)await CopyAsync(stream)).ToArray());
        Assert.StartsWith("Return-Path: <sender@example.org>\r\nDelivered-To: " + user, body);
        Assert.EndsWith(text, body);
    }

    private static async Task<Stream> CopyAsync(Stream stream)
    {
        var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory;
    }

    [Fact]
    public async Task A_second_session_sees_deliveries_flag_changes_and_expunges()
    {
        var user = host.NewUser();
        for (var i = 0; i < 3; i++)
        {
            await host.DeliverAsync(user, ImapHost.Message($"m{i}"));
        }

        using var a = await host.ConnectAsync(user);
        using var b = await host.ConnectAsync(user);
        await a.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await b.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var flagsSeen = new List<(int Index, MessageFlags Flags)>();
        var expunged = new List<int>();
        b.Inbox.MessageFlagsChanged += (_, e) => flagsSeen.Add((e.Index, e.Flags));
        b.Inbox.MessageExpunged += (_, e) => expunged.Add(e.Index);

        await a.Inbox.AddFlagsAsync(0, MessageFlags.Flagged, true);
        await a.Inbox.AddFlagsAsync(1, MessageFlags.Deleted, true);
        await a.Inbox.ExpungeAsync();
        await host.DeliverAsync(user, ImapHost.Message("late"));
        await b.NoOpAsync();

        Assert.Contains(flagsSeen, f => f.Index == 0 && f.Flags.HasFlag(MessageFlags.Flagged));
        Assert.Equal([1], expunged);
        Assert.Equal(3, b.Inbox.Count);
        var subjects = (await b.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId)).Select(s => s.Envelope!.Subject).ToList();
        Assert.Equal(["m0", "m2", "late"], subjects);
    }

    [Fact]
    public async Task Idle_with_MailKit_reports_a_delivery_while_selected()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("before"));
        using var client = await host.ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Inbox.CountChanged += (_, _) => arrived.TrySetResult(client.Inbox.Count);
        using var done = new CancellationTokenSource();
        var idle = client.IdleAsync(done.Token);
        await Task.Delay(300);
        await host.DeliverAsync(user, ImapHost.Message("during"));
        var count = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await done.CancelAsync();
        await idle;
        Assert.Equal(2, count);
    }

    [Fact]
    public async Task Folders_special_use_subscriptions_copy_move_and_search()
    {
        var user = host.NewUser();
        using var client = await host.ConnectAsync(user);
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var projects = (await personal.CreateAsync("Projects", true))!;
        var sub = (await projects.CreateAsync("Ödön", true))!;
        await sub.SubscribeAsync();
        var folders = await personal.GetSubfoldersAsync(false);
        Assert.Contains(folders, f => f.Name == "Projects");
        var subscribed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, true);
        Assert.Contains(subscribed, f => f.FullName == "Projects/Ödön");
        var sent = client.GetFolder(SpecialFolder.Sent);
        Assert.NotNull(sent);

        for (var i = 0; i < 5; i++)
        {
            await host.DeliverAsync(user, ImapHost.Message($"report {i}", i % 2 == 0 ? "budget numbers" : "nothing"));
        }

        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var budget = await client.Inbox.SearchAsync(SearchQuery.BodyContains("budget"));
        Assert.Equal(3, budget.Count);
        var copied = await client.Inbox.CopyToAsync(budget, sub);
        Assert.Equal(3, copied.Destination.Count);
        var moved = await client.Inbox.MoveToAsync(budget, projects);
        Assert.Equal(3, moved.Destination.Count);
        Assert.Equal(2, client.Inbox.Count);
        await sub.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(3, sub.Count);
        await projects.StatusAsync(StatusItems.Count | StatusItems.UidNext | StatusItems.Unread);
        Assert.Equal(3, projects.Count);
        await projects.RenameAsync(personal, "Archived projects");
        Assert.Contains(await personal.GetSubfoldersAsync(false), f => f.Name == "Archived projects");
    }

    [Fact]
    public async Task Store_failure_is_reported_to_MailKit_as_a_command_error_not_a_dropped_connection()
    {
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("x"));
        using var client = await host.ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        host.Faults.Block = name => name.Contains("/" + user + "/msg/", StringComparison.Ordinal);
        try
        {
            var error = await Assert.ThrowsAsync<ImapCommandException>(() => client.Inbox.GetMessageAsync(0));
            Assert.Equal(ImapCommandResponse.No, error.Response);
        }
        finally
        {
            host.Faults.Block = null;
        }

        Assert.True(client.IsConnected);
        Assert.Equal("x", (await client.Inbox.GetMessageAsync(0)).Subject);
    }
}
