using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.Submission;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Lmtp.Tests;

/// <summary>
/// Mail a script sends (redirect, vacation) through a real relay: Debian's aiosmtpd, started by the test, which the
/// test also stops to play an outage. The host is restarted on its data where the promise is about restarts.
/// </summary>
public sealed class SubmissionTests
{
    private static async Task<TestMailHost> StartAsync(TempFolder folder, SmtpSink relay) =>
        await TestMailHost.StartAsync(
            folder.Path,
            [
                "--OrleansMail:Accounts:Domains:0=example.org",
                "--OrleansMail:Submission:Host=127.0.0.1",
                $"--OrleansMail:Submission:Port={relay.Port}",
                "--OrleansMail:Submission:Tls=None",
                "--OrleansMail:Submission:ScanInterval=00:00:01",
                "--OrleansMail:Submission:RetryInitial=00:00:01",
                "--OrleansMail:Submission:RetryMax=00:00:02",
            ]);

    private static TempFolder Users()
    {
        var folder = new TempFolder();
        File.WriteAllLines(Path.Combine(folder.Path, "users.passwd"), ["vera:{PLAIN}secret::::::", "rita:{PLAIN}secret::::::"]);
        return folder;
    }

    private static string Mail(string from, string subject, string extra = "") =>
        $"From: {from}\r\nTo: vera@example.org\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@example.net>\r\n{extra}\r\nbody\r\n";

    private static string Field(string message, string name) =>
        message.Split('\n').Select(l => l.TrimEnd('\r')).First(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))[(name.Length + 1)..].Trim();

    [Fact]
    public async Task Vacation_answers_each_sender_once_within_its_days_across_a_restart_and_never_a_list()
    {
        using var folder = Users();
        await using var relay = new SmtpSink();
        await relay.StartAsync();
        var host = await StartAsync(folder, relay);
        try
        {
            var vera = host.Grains.GetGrain<IUserGrain>("vera");
            await vera.PutSieveScriptAsync("away", "require \"vacation\";\nvacation :days 3 :subject \"Away\" \"Back on Monday.\";\n");
            await vera.SetActiveSieveScriptAsync("away");

            Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "vera@example.org", Mail("bob@example.net", "Lunch?"), "bob@example.net"), StringComparison.Ordinal);
            var reply = Assert.Single(await relay.WaitForAsync(1));
            Assert.Equal("<>", Field(reply, "X-MailFrom")); // the null reverse-path (RFC 5230 §5.1)
            Assert.Equal("bob@example.net", Field(reply, "X-RcptTo"));
            Assert.Equal("Away", Field(reply, "Subject"));
            Assert.Equal("vera@example.org", Field(reply, "From"));
            Assert.Equal("auto-replied (vacation)", Field(reply, "Auto-Submitted"));
            Assert.Contains("Back on Monday.", reply);

            // The same sender again, and a list: no answer. Another sender: one.
            await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "vera@example.org", Mail("bob@example.net", "Lunch, then?"), "bob@example.net");
            await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "vera@example.org", Mail("dev@lists.example.net", "[dev] news", "List-Id: <dev.lists.example.net>\r\n"), "dev-bounces@lists.example.net");
            await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "vera@example.org", Mail("carol@example.net", "Hi"), "carol@example.net");
            Assert.Equal("carol@example.net", Field((await relay.WaitForAsync(2))[1], "X-RcptTo"));

            // The vacation kept every message: it never takes the place of the delivery.
            var inbox = await vera.GetMailboxAsync("INBOX");
            Assert.Equal(4, (await vera.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue))).Length);

            // A restart forgets nothing: what was answered is in the user's index.
            await host.DisposeAsync();
            host = await StartAsync(folder, relay);
            await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "vera@example.org", Mail("bob@example.net", "Still there?"), "bob@example.net");
            await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "vera@example.org", Mail("dan@example.net", "Hello"), "dan@example.net");
            var all = await relay.WaitForAsync(3);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(3, relay.Messages().Count);
            Assert.Equal("dan@example.net", Field(all[2], "X-RcptTo"));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Redirect_forwards_from_the_original_sender_and_a_message_it_forwarded_before_is_kept()
    {
        using var folder = Users();
        await using var relay = new SmtpSink();
        await relay.StartAsync();
        await using var host = await StartAsync(folder, relay);
        var rita = host.Grains.GetGrain<IUserGrain>("rita");
        await rita.PutSieveScriptAsync("forward", "redirect \"rita@elsewhere.example\";\n");
        await rita.SetActiveSieveScriptAsync("forward");

        Assert.Equal("250 2.0.0 <rita@example.org> Forwarded by the recipient's filter", await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "rita@example.org", Mail("bob@example.net", "Forward me"), "bob@example.net"));
        var forwarded = Assert.Single(await relay.WaitForAsync(1));
        Assert.Equal("bob@example.net", Field(forwarded, "X-MailFrom"));
        Assert.Equal("rita@elsewhere.example", Field(forwarded, "X-RcptTo"));
        Assert.Equal("rita@example.org", Field(forwarded, "X-Sieve-Redirected-From"));
        Assert.Equal("Forward me", Field(forwarded, "Subject"));
        var inbox = await rita.GetMailboxAsync("INBOX");
        Assert.Empty(await rita.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue)));

        // The copy comes back (the other side forwards to us): kept, not sent round again.
        var looped = await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "rita@example.org", "X-Sieve-Redirected-From: rita@example.org\r\n" + Mail("bob@example.net", "Forward me"), "bob@example.net");
        Assert.StartsWith("250 2.0.0 <rita@example.org> Saved as uid", looped, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(relay.Messages());
    }

    [Fact]
    public async Task A_relay_outage_across_a_restart_delays_the_reply_and_loses_nothing()
    {
        using var folder = Users();
        await using var relay = new SmtpSink();
        var host = await StartAsync(folder, relay);
        try
        {
            var vera = host.Grains.GetGrain<IUserGrain>("vera");
            await vera.PutSieveScriptAsync("away", "require \"vacation\";\nvacation \"Away.\";\n");
            await vera.SetActiveSieveScriptAsync("away");

            // The relay is down: the delivery is accepted, the reply waits in the object store.
            Assert.StartsWith("250", await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, "vera@example.org", Mail("bob@example.net", "Are you there?"), "bob@example.net"), StringComparison.Ordinal);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(1, await host.Grains.GetGrain<IOutboundMailGrain>(0).GetPendingCountAsync());

            // The silo goes away while the relay is still down, and comes back after it is up.
            await host.DisposeAsync();
            await relay.StartAsync();
            host = await StartAsync(folder, relay);
            var reply = Assert.Single(await relay.WaitForAsync(1));
            Assert.Equal("bob@example.net", Field(reply, "X-RcptTo"));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (await host.Grains.GetGrain<IOutboundMailGrain>(0).GetPendingCountAsync() > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Assert.Equal(0, await host.Grains.GetGrain<IOutboundMailGrain>(0).GetPendingCountAsync());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
