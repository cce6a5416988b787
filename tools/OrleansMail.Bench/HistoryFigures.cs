using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Hosting;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Testing;

namespace OrleansMail.Bench;

/// <summary>
/// A long-lived user's index objects after many checkpoints: every object the checkpoints wrote (what the store would
/// hold without history GC) against what it holds at the end, by kind. A steady mailbox: each checkpoint follows one
/// delivery with its summary, one flag change and, past the mailbox size, the expunge of the oldest message; the user
/// leaves memory every so often, as users do.
/// </summary>
internal static class HistoryFigures
{
    private static readonly string[] Kinds = ["snap-", "log-", "sum-"];

    public static async Task<Dictionary<string, double>> MeasureAsync(int checkpoints, int mailbox)
    {
        var root = Directory.CreateTempSubdirectory("om-bench-").FullName;
        var counts = new ConcurrentDictionary<string, int>();
        var store = new CountingObjectStore(new FileSystemObjectStore(Path.Combine(root, "store")), counts);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            silo.Services.AddSingleton<IObjectStore>(store);
            silo.AddMailStore(o =>
            {
                o.CacheDirectory = Path.Combine(root, "cache");
                o.CheckpointInterval = TimeSpan.FromHours(1);
                o.CheckpointChangeThreshold = 1_000_000;
            });
            silo.UseObjectStoreManifests();
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            const string id = "history";
            var names = UserObjectNames.For(id);
            var user = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(id);
            var inbox = await user.GetMailboxAsync("INBOX");
            var summary = new byte[1500];
            Random.Shared.NextBytes(summary);
            var progress = new ProgressLine("checkpoints", checkpoints);
            for (var i = 1; i <= checkpoints; i++)
            {
                var body = Guid.CreateVersion7();
                var saved = await user.SaveAsync(new SaveRequest(body, inbox.Id, null, MessageFlags.None, [], 0, 30_000, null));
                await user.PutSummaryAsync(body, summary);
                await user.StoreFlagsAsync(inbox.Id, UidSet.Of(saved.Uid), FlagOperation.Add, MessageFlags.Seen, []);
                if (saved.Uid > mailbox)
                {
                    var oldest = UidSet.Of(saved.Uid - (uint)mailbox);
                    await user.StoreFlagsAsync(inbox.Id, oldest, FlagOperation.Add, MessageFlags.Deleted, []);
                    await user.ExpungeAsync(inbox.Id, oldest);
                }

                await user.CheckpointAsync();
                if (i % 100 == 0)
                {
                    await user.DeactivateAsync();
                }

                progress.Step();
            }

            // One more checkpoint deletes what the last one retired.
            await user.StoreFlagsAsync(inbox.Id, UidSet.Range(1, uint.MaxValue - 1), FlagOperation.Add, MessageFlags.Flagged, []);
            await user.CheckpointAsync();
            var report = await user.VerifyAsync();
            var stored = await store.ListAllAsync(names.IndexPrefix).Select(e => e.Name[names.IndexPrefix.Length..]).ToListAsync();
            var written = counts.Where(c => c.Key.StartsWith("create " + names.IndexPrefix, StringComparison.Ordinal))
                .Select(c => c.Key[("create " + names.IndexPrefix).Length..]).ToList();
            var figures = new Dictionary<string, double>
            {
                ["checkpoints"] = checkpoints,
                ["messages_live"] = (await user.GetStatsAsync()).Messages,
                ["index_objects_written"] = written.Count,
                ["index_objects_stored"] = stored.Count,
                ["stored_over_written"] = stored.Count / (double)written.Count,
                ["retired_awaiting_delete"] = report.RetiredIndexObjects,
                ["unaccounted"] = report.UnaccountedIndexObjects.Length,
                ["missing"] = report.MissingIndexObjects.Length,
            };
            foreach (var kind in Kinds)
            {
                var label = kind.TrimEnd('-');
                figures[$"{label}_written"] = written.Count(n => n.StartsWith(kind, StringComparison.Ordinal));
                figures[$"{label}_stored"] = stored.Count(n => n.StartsWith(kind, StringComparison.Ordinal));
            }

            return figures;
        }
        finally
        {
            await host.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
