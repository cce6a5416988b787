using Orleans.Serialization;
using System.Diagnostics;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansMail.Grains;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Hosting;
using OrleansMail.Hosting.Azure;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Testing;

namespace OrleansMail.Bench;

/// <summary>
/// A user of N messages on a real in-process silo: bytes of a checkpoint after K flag changes (against the full
/// snapshot, the O(mailbox) alternative) and activation time from the silo's local cache versus from the store.
/// </summary>
internal static class GrainFigures
{
    public static async Task<Dictionary<string, double>> MeasureAsync(int messages, int changes, string? azureConnection, TimeSpan latency)
    {
        var root = Directory.CreateTempSubdirectory("om-bench-").FullName;
        var plan = new FaultPlan();
        IObjectStore baseStore;
        BlobServiceClient? blobs = null;
        var container = "bench-" + Guid.NewGuid().ToString("N")[..8];
        if (azureConnection is not null)
        {
            blobs = new BlobServiceClient(azureConnection);
            var azure = new AzureBlobObjectStore(blobs.GetBlobContainerClient(container));
            await azure.InitializeAsync();
            baseStore = azure;
        }
        else
        {
            baseStore = new FileSystemObjectStore(Path.Combine(root, "store"));
        }

        var store = new FaultInjectingObjectStore(baseStore, plan);
        var cache = Path.Combine(root, "cache");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            silo.Services.AddSingleton<IObjectStore>(store);
            silo.AddMailStore(o =>
            {
                o.CacheDirectory = cache;
                o.CheckpointInterval = TimeSpan.FromHours(1);
                o.CheckpointChangeThreshold = 1_000_000;
            });
            if (blobs is not null)
            {
                silo.UseAzureBlobManifests(blobs, container + "-manifests");
            }
            else
            {
                silo.UseObjectStoreManifests();
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var user = grains.GetGrain<IUserGrain>("bench-user");
            var inbox = await user.GetMailboxAsync("INBOX");

            // Fill by saving a seed and copying the mailbox into itself: index records, shared bodies.
            var seed = Math.Min(messages, 1000);
            for (var i = 0; i < seed; i++)
            {
                await user.SaveAsync(new SaveRequest(Guid.CreateVersion7(), inbox.Id, null, MessageFlags.None, [], 0, 30_000, null));
            }

            while ((await user.GetMailboxAsync("INBOX")).Messages < messages)
            {
                var current = await user.GetMailboxAsync("INBOX");
                var take = Math.Min(current.Messages, messages - current.Messages);
                await user.CopyAsync(inbox.Id, UidSet.Range(1, (uint)take), inbox.Id, move: false);
            }

            await user.CheckpointAsync();
            var random = new Random(7);
            for (var i = 0; i < changes; i++)
            {
                await user.StoreFlagsAsync(inbox.Id, UidSet.Of((uint)random.Next(1, messages)), FlagOperation.Add, MessageFlags.Seen, []);
            }

            plan.Latency = latency;
            var watch = Stopwatch.StartNew();
            await user.CheckpointAsync();
            var checkpointMs = watch.Elapsed.TotalMilliseconds;
            var checkpointBytes = (await user.GetStatsAsync()).LastCheckpointBytes;

            await user.DeactivateAsync();
            watch.Restart();
            var local = await user.GetStatsAsync();
            var localMs = watch.Elapsed.TotalMilliseconds;

            await user.DeactivateAsync();
            await Task.Delay(200);
            Directory.Delete(cache, recursive: true);
            watch.Restart();
            var remote = await user.GetStatsAsync();
            var storeMs = watch.Elapsed.TotalMilliseconds;

            // What SELECT asked of the grain before (every record as an object) against what it asks now (pages of
            // columns), each twice in turn, the second of each counted; plus what each costs to send to another silo
            // (a serialization round trip, which a call inside one process skips).
            var serializer = host.Services.GetRequiredService<Serializer>();
            MessageView[] records = [];
            List<MessageListing> pages = [];
            double selectMs = 0, columnsMs = 0;
            for (var round = 0; round < 2; round++)
            {
                watch.Restart();
                records = await user.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue - 1));
                selectMs = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                pages = [];
                for (var from = 1u; from != 0; from = pages[^1].NextUid)
                {
                    pages.Add(await user.ListMessagesAsync(inbox.Id, from, int.MaxValue));
                }

                columnsMs = watch.Elapsed.TotalMilliseconds;
            }

            watch.Restart();
            var recordBytes = serializer.Deserialize<MessageView[]>(serializer.SerializeToArray(records))!.Length == records.Length ? serializer.SerializeToArray(records).Length : 0;
            var recordWireMs = watch.Elapsed.TotalMilliseconds / 2;
            watch.Restart();
            var columnBytes = pages.Sum(p => serializer.Deserialize<MessageListing>(serializer.SerializeToArray(p))!.Count == p.Count ? serializer.SerializeToArray(p).Length : 0);
            var columnWireMs = watch.Elapsed.TotalMilliseconds / 2;
            return new Dictionary<string, double>
            {
                ["messages"] = local.Messages,
                ["flag_changes"] = changes,
                ["checkpoint_bytes"] = checkpointBytes,
                ["checkpoint_ms"] = checkpointMs,
                ["activation_local_ms"] = localMs,
                ["activation_store_ms"] = storeMs,
                ["activation_store_over_local"] = storeMs / localMs,
                ["select_records"] = records.Length,
                ["select_records_ms"] = selectMs,
                ["select_columns_ms"] = columnsMs,
                ["select_columns_over_records"] = columnsMs / selectMs,
                ["select_records_wire_bytes_per_message"] = (double)recordBytes / Math.Max(1, records.Length),
                ["select_columns_wire_bytes_per_message"] = (double)columnBytes / Math.Max(1, records.Length),
                ["select_records_wire_ms"] = recordWireMs,
                ["select_columns_wire_ms"] = columnWireMs,
                ["loaded_local"] = local.LoadedFrom == "local" ? 1 : 0,
                ["loaded_store"] = remote.LoadedFrom == "store" ? 1 : 0,
                ["latency_ms"] = latency.TotalMilliseconds,
            };
        }
        finally
        {
            await host.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
