using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Contracts;

namespace OrleansMail.Bench;

/// <summary>
/// SELECT plus <c>UID FETCH 1:* (UID FLAGS)</c> through the real silo host at one mailbox size: with the user's grain
/// active, right after a deactivation (activation from the local cache included), the activation alone, and the
/// managed memory one session holds with the mailbox selected. Swept over sizes, the growth ratios say whether a
/// large mailbox costs in proportion or worse.
/// </summary>
internal static class SelectFigures
{
    public static async Task<Dictionary<string, double>> MeasureAsync(int messages, int seed)
    {
        var root = Directory.CreateTempSubdirectory("om-select-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), ["user0:{PLAIN}x::::::"]);
        await using var app = await BenchHost.StartAsync(root, null, "--OrleansMail:Imap:MaxSessionsPerUser=100");
        try
        {
            Console.Error.WriteLine($"filling user0 with {messages} messages...");
            await MailboxFiller.FillAsync(app, "user0", MessageMix.Generate(Math.Min(200, messages), seed), messages);
            var grain = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>("user0");
            await grain.CheckpointAsync();

            await ListingAsync(app.ImapPort); // JIT and caches stay out of the figures
            var warm = await ListingAsync(app.ImapPort);
            await grain.DeactivateAsync();
            var cold = await ListingAsync(app.ImapPort);
            await grain.DeactivateAsync();
            var watch = Stopwatch.StartNew();
            var loadedFrom = (await grain.GetStatsAsync()).LoadedFrom;
            var activation = watch.Elapsed.TotalMilliseconds;

            var before = Heap();
            await using var session = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, "user0");
            await session.CommandAsync("SELECT INBOX");
            var sessionBytes = Heap() - before;
            return new Dictionary<string, double>
            {
                ["messages"] = messages,
                ["select_fetch_flags_warm_ms"] = warm,
                ["select_fetch_flags_cold_ms"] = cold,
                ["activation_ms"] = activation,
                ["activation_from_local_cache"] = loadedFrom == "local" ? 1 : 0,
                ["session_bytes_per_message"] = (double)sessionBytes / messages,
            };
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> ListingAsync(int port)
    {
        await using var connection = await ImapFigures.ImapConnection.OpenAsync(port, "user0");
        var watch = Stopwatch.StartNew();
        await connection.CommandAsync("SELECT INBOX");
        await connection.CommandAsync("UID FETCH 1:* (UID FLAGS)");
        return watch.Elapsed.TotalMilliseconds;
    }

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
