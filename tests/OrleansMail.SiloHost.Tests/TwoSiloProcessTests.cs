using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Hosting;
using OrleansMail.Grains.Storage;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// Two silo-host processes on Azure storage (Azurite: Table clustering, Blob bodies and manifests). LMTP load goes
/// through both; one is killed with SIGKILL mid-load; the load generator retries 4xx and cut connections as an
/// MTA would. Every message that got a 250 must be stored and indexed, and exactly once when its first try got it.
/// </summary>
public sealed partial class TwoSiloHostProcessTests(ITestOutputHelper output)
{
    private const int Users = 8;
    private const int Messages = 160;

    [Fact]
    public async Task Killing_one_of_two_silo_processes_loses_no_acknowledged_delivery()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, Enumerable.Range(0, Users).Select(u => $"user{u}:{{PLAIN}}x::::::"));
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var container = "e2e" + suffix;
        var clusterId = "e2e-" + suffix;
        var silos = new[] { SiloHostProcess.Start(azurite, folder.Path, passwd, container, clusterId, 0), SiloHostProcess.Start(azurite, folder.Path, passwd, container, clusterId, 1) };
        try
        {
            foreach (var s in silos)
            {
                await SiloHostProcess.WaitForGreetingAsync(s.LmtpPort);
            }

            var firstTry = new HashSet<string>();
            var acknowledged = new HashSet<string>();
            var retried = 0;
            var next = -1;
            var killed = false;
            var workers = Enumerable.Range(0, 4).Select(async worker =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < Messages)
                {
                    var id = $"m{i}-{suffix}@e2e.test";
                    for (var attempt = 0; ; attempt++)
                    {
                        Assert.True(attempt < 120, $"{id} was never accepted");
                        var silo = silos[(worker + attempt) % 2];
                        var reply = await LmtpDelivery.TryDeliverAsync(silo.LmtpPort, $"user{i % Users}@example.org", id);
                        if (reply.StartsWith("250", StringComparison.Ordinal))
                        {
                            lock (acknowledged)
                            {
                                acknowledged.Add(id);
                                if (attempt == 0)
                                {
                                    firstTry.Add(id);
                                }
                                else
                                {
                                    retried++;
                                }
                            }

                            break;
                        }

                        Assert.False(reply.StartsWith('5'), $"permanent failure for {id}: {reply}");
                        await Task.Delay(250);
                    }

                    if (i == Messages / 3 && !killed)
                    {
                        killed = true;
                        silos[0].Process.Kill(); // SIGKILL: no deactivation, no checkpoint, no lease release
                    }
                }
            }).ToList();
            await Task.WhenAll(workers);
            Assert.True(killed);

            await AssertStrangerIsRefusedAsync(azurite, clusterId);
            var found = await StoredMessageIdsAsync(azurite, clusterId, container);
            var missing = acknowledged.Where(id => !found.ContainsKey(id)).ToList();
            Assert.True(missing.Count == 0, $"acknowledged but lost: {string.Join(", ", missing)}");
            var duplicatedFirstTries = firstTry.Where(id => found[id] > 1).ToList();
            Assert.True(duplicatedFirstTries.Count == 0, $"acknowledged on the first try yet stored twice: {string.Join(", ", duplicatedFirstTries)}");
            output.WriteLine($"{acknowledged.Count} acknowledged, {retried} after a retry, {found.Values.Sum() - found.Count} duplicates (allowed after a 4xx or a cut connection)");
        }
        finally
        {
            foreach (var s in silos)
            {
                if (!s.Process.HasExited)
                {
                    s.Process.Kill();
                }

                s.Process.Dispose();
            }
        }
    }

    /// <summary>
    /// The gateways are reachable, but a client without the cluster certificate fails the mutual-TLS handshake with
    /// every one of them and never gets connected (Orleans keeps retrying: we give it 15 s).
    /// </summary>
    private static async Task AssertStrangerIsRefusedAsync(AzuriteServer azurite, string clusterId)
    {
        using var giveUp = new CancellationTokenSource();
        var stranger = SiloHostProcess.ConnectClientAsync(azurite, clusterId, withCertificate: false, giveUp.Token);
        await Task.WhenAny(stranger, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.False(stranger.IsCompletedSuccessfully, "a client without the cluster certificate joined the cluster");
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => stranger);
    }

    /// <summary>How many times each Message-ID is indexed (and its body stored), read through an ordinary cluster client.</summary>
    private static async Task<Dictionary<string, int>> StoredMessageIdsAsync(AzuriteServer azurite, string clusterId, string container)
    {
        using var client = await SiloHostProcess.ConnectClientAsync(azurite, clusterId);
        var grains = client.Services.GetRequiredService<IGrainFactory>();
        var store = new AzureBlobObjectStore(azurite.CreateBlobServiceClient().GetBlobContainerClient(container));
        var found = new Dictionary<string, int>();
        for (var u = 0; u < Users; u++)
        {
            var user = grains.GetGrain<IUserGrain>($"user{u}");
            var inbox = await SiloHostProcess.RetryAsync(() => user.GetMailboxAsync("INBOX"));
            var views = await SiloHostProcess.RetryAsync(() => user.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue)));
            Assert.Equal(views.Length, views.Select(v => v.Uid).Distinct().Count());
            foreach (var v in views)
            {
                var bytes = await store.ReadBytesAsync(UserObjectNames.For($"user{u}").Body(v.BodyId));
                Assert.NotNull(bytes);
                var id = MessageIdPattern().Match(Encoding.ASCII.GetString(bytes!)).Groups[1].Value;
                found[id] = found.GetValueOrDefault(id) + 1;
            }
        }

        return found;
    }

    [Fact]
    public async Task Killing_the_silo_host_five_times_under_load_loses_no_acknowledged_delivery()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var folder = new TempFolder();
        var passwd = Path.Combine(folder.Path, "users.passwd");
        await File.WriteAllLinesAsync(passwd, Enumerable.Range(0, Users).Select(u => $"user{u}:{{PLAIN}}x::::::"));
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var container = "kill" + suffix;
        var clusterId = "kill-" + suffix;
        var random = new Random(20261128);

        // One node, killed and restarted with its disk: each restart is a returning node and an unclean takeover.
        var silo = SiloHostProcess.Start(azurite, folder.Path, passwd, container, clusterId, 0);
        var started = new List<SiloHostProcess> { silo };
        try
        {
            await SiloHostProcess.WaitForGreetingAsync(silo.LmtpPort);
            var killsDone = false;
            var firstTry = new HashSet<string>();
            var acknowledged = new HashSet<string>();
            var retried = 0;
            var next = -1;
            var workers = Enumerable.Range(0, 4).Select(async _ =>
            {
                // Load runs through every kill and a little beyond.
                for (var after = 0; after < 10; after += Volatile.Read(ref killsDone) ? 1 : 0)
                {
                    var i = Interlocked.Increment(ref next);
                    var id = $"k{i}-{suffix}@e2e.test";
                    for (var attempt = 0; ; attempt++)
                    {
                        Assert.True(attempt < 240, $"{id} was never accepted");
                        var reply = await LmtpDelivery.TryDeliverAsync(Volatile.Read(ref silo).LmtpPort, $"user{i % Users}@example.org", id);
                        if (reply.StartsWith("250", StringComparison.Ordinal))
                        {
                            lock (acknowledged)
                            {
                                acknowledged.Add(id);
                                (attempt == 0 ? firstTry : null)?.Add(id);
                                retried += attempt == 0 ? 0 : 1;
                            }

                            break;
                        }

                        Assert.False(reply.StartsWith('5'), $"permanent failure for {id}: {reply}");
                        await Task.Delay(250);
                    }

                    await Task.Delay(100);
                }
            }).ToList();

            for (var kill = 0; kill < 5; kill++)
            {
                await Task.Delay(random.Next(1500, 4000));
                silo.Process.Kill(); // SIGKILL: no deactivation, no checkpoint, no lease release
                await silo.Process.WaitForExitAsync();
                var restarted = SiloHostProcess.Start(azurite, folder.Path, passwd, container, clusterId, 0, replacing: silo);
                started.Add(restarted);
                Volatile.Write(ref silo, restarted);
                await SiloHostProcess.WaitForGreetingAsync(restarted.LmtpPort);
            }

            Volatile.Write(ref killsDone, true);
            await Task.WhenAll(workers);
            var found = await StoredMessageIdsAsync(azurite, clusterId, container);
            var missing = acknowledged.Where(id => !found.ContainsKey(id)).ToList();
            Assert.True(missing.Count == 0, $"acknowledged but lost: {string.Join(", ", missing)}");
            var duplicatedFirstTries = firstTry.Where(id => found[id] > 1).ToList();
            Assert.True(duplicatedFirstTries.Count == 0, $"acknowledged on the first try yet stored twice: {string.Join(", ", duplicatedFirstTries)}");
            output.WriteLine($"5 kills; {acknowledged.Count} acknowledged, {retried} after a retry, {found.Values.Sum() - found.Count} duplicates (allowed after a 4xx or a cut connection)");
        }
        finally
        {
            foreach (var s in started)
            {
                if (!s.Process.HasExited)
                {
                    s.Process.Kill();
                }

                s.Process.Dispose();
            }
        }
    }

    [GeneratedRegex("Message-ID: <([^>]+)>")]
    private static partial Regex MessageIdPattern();
}
