using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Bench;

/// <summary>
/// What a silo's memory adds beyond its configured caches: the managed heap after full collections with users
/// active at two mailbox sizes (all deactivated as the baseline), and with idle connections, before login and
/// logged in with INBOX selected. The clients are bare sockets holding no buffers, so the heap they add is the
/// server's; the growth of the silo-wide caches in between is measured and taken out.
/// </summary>
internal static class FootprintFigures
{
    public static async Task<Dictionary<string, double>> MeasureAsync(int users, int smallMailbox, int largeMailbox, int sessions, int seed)
    {
        var root = Directory.CreateTempSubdirectory("om-footprint-").FullName;
        string Small(int i) => $"small{i}";
        string Large(int i) => $"large{i}";
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), Enumerable.Range(0, users).SelectMany(i => new[] { Small(i), Large(i) }).Append("idle").Select(u => $"{u}:{{PLAIN}}x::::::"));
        await using var app = await BenchHost.StartAsync(root, null, "--OrleansMail:Imap:MaxSessionsPerUser=100000", "--OrleansMail:Imap:MaxSessionsPerAddress=100000", "--OrleansMail:Imap:MaxUnauthenticatedPerAddress=100000");
        try
        {
            var mix = MessageMix.Generate(20, seed);
            var progress = new ProgressLine("users filled", users);
            for (var i = 0; i < users; i++)
            {
                await MailboxFiller.FillAsync(app, Small(i), mix, smallMailbox);
                await MailboxFiller.FillAsync(app, Large(i), mix, largeMailbox);
                progress.Step();
            }

            await MailboxFiller.FillAsync(app, "idle", mix, mix.Count);
            await DeactivateAllAsync(app);
            var baseline = Measure(app);

            await TouchAsync(app.ImapPort, Enumerable.Range(0, users).Select(Small));
            var small = Measure(app);
            await TouchAsync(app.ImapPort, Enumerable.Range(0, users).Select(Large));
            var large = Measure(app);

            var perSmallUser = (small - baseline) / users;
            var perLargeUser = (large - small) / users;
            var figures = new Dictionary<string, double>
            {
                ["users_of_each_size"] = users,
                ["small_mailbox_messages"] = smallMailbox,
                ["large_mailbox_messages"] = largeMailbox,
                ["bytes_per_active_user_small"] = perSmallUser,
                ["bytes_per_active_user_large"] = perLargeUser,
                ["bytes_per_message_of_an_active_user"] = (perLargeUser - perSmallUser) / (largeMailbox - smallMailbox),
            };

            if (sessions > 0)
            {
                var before = Measure(app);
                var connected = await OpenAsync(app.ImapPort, sessions, login: false);
                var unauthenticated = Measure(app);
                Close(connected);
                var loggedIn = await OpenAsync(app.ImapPort, sessions, login: true);
                var selected = Measure(app);
                Close(loggedIn);
                figures["sessions"] = sessions;
                figures["bytes_per_connection_before_login"] = (unauthenticated - before) / sessions;
                figures["bytes_per_idle_selected_session"] = (selected - before) / sessions;
            }

            return figures;
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The managed heap after full collections, less what the silo-wide caches hold (they have budgets of their own).</summary>
    private static double Measure(BenchHost app)
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var caches = app.Services.GetRequiredService<MessageBodies>().CacheUsage.Bytes + app.Services.GetRequiredService<MessageSummaries>().CacheUsage.Bytes;
        return GC.GetTotalMemory(forceFullCollection: true) - caches;
    }

    private static async Task DeactivateAllAsync(BenchHost app)
    {
        var management = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            var statistics = await management.GetSimpleGrainStatistics();
            if (statistics.Where(s => s.GrainType.Contains("UserGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount) == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("user grains did not deactivate");
    }

    /// <summary>Activates each user as a client would (login, SELECT, the flags of every message) and leaves.</summary>
    private static async Task TouchAsync(int port, IEnumerable<string> users)
    {
        foreach (var user in users)
        {
            await using var c = await ImapFigures.ImapConnection.OpenAsync(port, user);
            await c.CommandAsync("SELECT INBOX");
            await c.CommandAsync("FETCH 1:* (FLAGS)");
            await c.CommandAsync("LOGOUT");
        }
    }

    private static async Task<List<Socket>> OpenAsync(int port, int count, bool login)
    {
        var sockets = new List<Socket>(count);
        var buffer = new byte[64 * 1024];
        var script = Encoding.ASCII.GetBytes("a LOGIN idle x\r\nb SELECT INBOX\r\n");
        for (var i = 0; i < count; i++)
        {
#pragma warning disable CA2000 // kept open on purpose (the figure is memory per idle connection); Close below disposes them all
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
#pragma warning restore CA2000
            sockets.Add(socket);
            await socket.ConnectAsync("127.0.0.1", port);
            await ReadUntilAsync(socket, buffer, "* OK");
            if (login)
            {
                await socket.SendAsync(script);
                await ReadUntilAsync(socket, buffer, "b OK");
            }
        }

        return sockets;
    }

    private static async Task ReadUntilAsync(Socket socket, byte[] buffer, string marker)
    {
        var seen = new StringBuilder();
        while (!seen.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer);
            if (read == 0)
            {
                throw new InvalidOperationException($"the server closed the connection before '{marker}': {seen}");
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    private static void Close(List<Socket> sockets)
    {
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }
    }
}
