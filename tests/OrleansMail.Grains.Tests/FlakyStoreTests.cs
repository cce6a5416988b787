using System.Text;
using System.Text.RegularExpressions;
using OrleansMail.Errors;
using OrleansMail.Grains.Storage;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// Dovecot's fs-randomfail idea: a store that fails some calls outright and "loses the answer" of some writes.
/// Deliveries retry as an MTA would; in the end every acknowledged message is indexed and stored.
/// </summary>
public sealed partial class FlakyStoreTests
{
    [Fact]
    public async Task Random_store_failures_lose_no_acknowledged_message_and_leave_a_consistent_index()
    {
        using var folder = new TempFolder();
        await using var cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(folder), tune: o => o.AllocationCap = 60);
        const string id = "flaky";
        var plan = cluster.PlanOf(cluster.Cluster.Silos[0]);
        var faultyIngest = new MessageIngest(new ObjectStore.Testing.FaultInjectingObjectStore(cluster.Store, plan), cluster.Client, new IngestOptions(), TimeProvider.System);
        plan.FailureRate = 0.1;
        plan.FailAfterWriteRate = 0.05;

        var acknowledged = new List<string>();
        var attempts = 0;
        for (var i = 0; i < 120; i++)
        {
            var messageId = $"flaky-{i}@test";
            for (var attempt = 0; ; attempt++)
            {
                attempts++;
                try
                {
                    await using var message = await faultyIngest.ReceiveAsync(new MemoryStream(TestMessages.Rfc822("m" + i, messageId)));
                    await faultyIngest.DeliverAsync(message, new DeliveryTarget(id));
                    acknowledged.Add(messageId);
                    break;
                }
                catch (Exception e) when (attempt < 50 && MailCluster.IsTransient(e))
                {
                    await Task.Delay(20);
                }
            }

            if (i % 25 == 0)
            {
                try
                {
                    await cluster.User(id).CheckpointAsync();
                }
                catch (Exception e) when (MailCluster.IsTransient(e))
                {
                    // A failed checkpoint keeps everything pending; the next one catches up.
                }
            }
        }

        plan.FailureRate = 0;
        plan.FailAfterWriteRate = 0;
        var user = cluster.User(id);
        await MailCluster.RetryAsync(async () =>
        {
            await user.DeactivateAsync();
            return true;
        });
        var listing = await MailCluster.RetryAsync(() => TestMessages.ListingAsync(user));
        var names = UserObjectNames.For(id);
        var indexedIds = new List<string>();
        foreach (var r in listing)
        {
            var bytes = await cluster.Store.ReadBytesAsync(names.Body(r.Body));
            Assert.NotNull(bytes); // nothing indexed without its body
            indexedIds.Add(MessageIdPattern().Match(Encoding.ASCII.GetString(bytes!)).Groups[1].Value);
        }

        Assert.Equal(120, acknowledged.Count);
        Assert.All(acknowledged, m => Assert.Contains(m, indexedIds));
        Assert.Equal(listing.Count, listing.Select(r => r.Uid).Distinct().Count());
        Assert.True(attempts > 120, "the fault plan injected nothing");
    }


    [GeneratedRegex("Message-ID: <([^>]+)>")]
    private static partial Regex MessageIdPattern();
}
