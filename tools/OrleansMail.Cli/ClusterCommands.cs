using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Hosting;

namespace OrleansMail.Cli;

/// <summary>Commands that talk to a running cluster as an Orleans client (through a silo's gateway).</summary>
internal static class ClusterCommands
{
    public static async Task<int> RunAsync(ClusterTarget target, Func<IGrainFactory, Task<int>> action)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            if (!string.IsNullOrEmpty(target.AzureConnection))
            {
                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(target.AzureConnection));
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = target.ClusterId;
                    o.ServiceId = target.ServiceId;
                });
            }
            else
            {
                client.UseLocalhostClustering(target.GatewayPort);
            }

            if (!string.IsNullOrEmpty(target.CertificatePath))
            {
                client.UseClusterTls(ClusterTls.Load(target.CertificatePath, target.KeyPath));
            }

            client.Services.AddMailStoreSerialization();
        });
        using var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"cannot reach the cluster: {e.Message}").ConfigureAwait(false);
            return 3;
        }

        try
        {
            return await action(host.Services.GetRequiredService<IGrainFactory>()).ConfigureAwait(false);
        }
        catch (MailStoreException e)
        {
            await Console.Error.WriteLineAsync($"{e.Kind}: {e.Message}").ConfigureAwait(false);
            return e.Kind == MailStoreErrorKind.Unavailable ? 3 : 1;
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Asks the user's grain to move, then waits until it answers from its new silo (exit 1 when it does not within a minute).</summary>
    public static async Task<int> MoveAsync(IGrainFactory grains, string user, string? silo)
    {
        var grain = grains.GetGrain<IUserGrain>(user);
        var from = (await grain.GetStatsAsync().ConfigureAwait(false)).Silo;
        var to = await grain.MoveAsync(silo).ConfigureAwait(false);
        if (to == from)
        {
            Console.WriteLine($"{user} is on {to} already");
            return 0;
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(200).ConfigureAwait(false);
            var stats = await grain.GetStatsAsync().ConfigureAwait(false);
            if (stats.Silo == to)
            {
                Console.WriteLine($"{user} moved from {from} to {to} (index {(stats.LoadedFrom == "migration" ? "handed over" : "loaded from " + stats.LoadedFrom)}, {stats.Observers} sessions listening)");
                return 0;
            }
        }

        await Console.Error.WriteLineAsync($"{user} asked to move to {to} but still answers from elsewhere (busy the whole time?)").ConfigureAwait(false);
        return 1;
    }

    public static async Task<int> ShowAsync(IGrainFactory grains, string user)
    {
        var grain = grains.GetGrain<IUserGrain>(user.ToLowerInvariant());
        var stats = await grain.GetStatsAsync().ConfigureAwait(false);
        Console.WriteLine($"user            {user.ToLowerInvariant()}");
        Console.WriteLine($"mailboxes       {stats.Mailboxes}");
        Console.WriteLine($"messages        {stats.Messages}");
        Console.WriteLine($"bytes           {stats.Bytes}");
        Console.WriteLine($"checkpoint      {stats.CheckpointSeq} ({stats.PendingChanges} changes pending, last {stats.LastCheckpointBytes} bytes)");
        Console.WriteLine($"lease holder    {stats.Silo} (activation {stats.ActivationId:N}, index loaded from {stats.LoadedFrom})");
        Console.WriteLine($"sessions        {stats.Observers} listening for changes");
        Console.WriteLine($"tombstones      {stats.Tombstones}");
        foreach (var m in await grain.ListMailboxesAsync().ConfigureAwait(false))
        {
            Console.WriteLine($"  {m.Name,-30} {m.Messages,8} messages {m.Unseen,8} unseen {m.Size,12} bytes  uidvalidity {m.UidValidity} uidnext {m.UidNext} highestmodseq {m.HighestModSeq}");
        }

        return 0;
    }

    public static async Task<int> VerifyAsync(IGrainFactory grains, string user)
    {
        var report = await grains.GetGrain<IUserGrain>(user.ToLowerInvariant()).VerifyAsync().ConfigureAwait(false);
        Console.WriteLine($"{report.Records} records, {report.Bodies} stored bodies");
        Console.WriteLine($"missing bodies (indexed, not stored): {report.MissingBodies.Length}");
        foreach (var b in report.MissingBodies)
        {
            Console.WriteLine($"  missing {b:N}");
        }

        Console.WriteLine($"unindexed bodies (stored, not indexed): {report.UnindexedBodies.Length}");
        foreach (var b in report.UnindexedBodies)
        {
            Console.WriteLine($"  unindexed {b:N}");
        }

        Console.WriteLine($"unreferenced bodies awaiting GC: {report.TombstonedBodies.Length}");
        Console.WriteLine($"index objects: {report.IndexObjects} ({report.RetiredIndexObjects} retired, deleted by the next checkpoint; {report.UnmergedSegments} segments of other writers awaiting merge)");
        Console.WriteLine($"index objects nothing names (left by a failure): {report.UnaccountedIndexObjects.Length}");
        foreach (var name in report.UnaccountedIndexObjects)
        {
            Console.WriteLine($"  unaccounted {name}");
        }


        Console.WriteLine($"index objects named but not stored: {report.MissingIndexObjects.Length}");
        foreach (var name in report.MissingIndexObjects)
        {
            Console.WriteLine($"  missing {name}");
        }

        // 0 consistent, 4 something to look at (a script can tell "fine" from "look").
        return report.MissingBodies.Length == 0 && report.UnindexedBodies.Length == 0 && report.MissingIndexObjects.Length == 0 ? 0 : 4;
    }
}
