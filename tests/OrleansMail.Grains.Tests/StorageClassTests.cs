using Azure.Storage.Blobs.Models;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Identity;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>Old, large bodies move to Azure's Cool tier once (docs/architecture.md, "Storage classes"), and still read the same.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StorageClassTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Bodies_older_than_CoolAfter_and_large_enough_move_to_the_cool_tier_once_and_still_read()
    {
        const string id = "cooling";
        var storage = await StoreSetup.AzureAsync(azurite.Server, _folder);
        await using var cluster = await MailCluster.StartAsync(storage, tune: o =>
        {
            o.CoolAfter = TimeSpan.FromDays(30);
            o.CoolMinBytes = 100_000;
        });
        var user = cluster.User(id);
        var inbox = await user.GetMailboxAsync("INBOX");
        var now = DateTimeOffset.UtcNow;
        var oldLarge = await SaveAsync(cluster, user, id, inbox.Id, now.AddDays(-40), 200_000);
        var oldSmall = await SaveAsync(cluster, user, id, inbox.Id, now.AddDays(-40), 2_000);
        var newLarge = await SaveAsync(cluster, user, id, inbox.Id, now.AddDays(-1), 200_000);

        Assert.Equal(1, await user.CoolBodiesAsync());
        Assert.Equal(AccessTier.Cool, await TierOfAsync(storage, id, oldLarge));
        Assert.Equal(AccessTier.Hot, await TierOfAsync(storage, id, oldSmall));
        Assert.Equal(AccessTier.Hot, await TierOfAsync(storage, id, newLarge));

        // Once: the watermark is checkpointed, and the next activation's pass moves nothing again.
        await user.CheckpointAsync();
        await user.DeactivateAsync();
        Assert.Equal(0, await user.CoolBodiesAsync());

        var bytes = await storage.Store.ReadBytesAsync(UserObjectNames.For(id).Body(oldLarge));
        Assert.Equal(200_000, bytes!.Length);
    }

    private static async Task<Guid> SaveAsync(MailCluster cluster, IUserGrain user, string userId, Guid mailbox, DateTimeOffset created, int size)
    {
        var body = BodyIds.New(created);
        var bytes = new byte[size];
        TestMessages.Rfc822("cool", body.ToString("N") + "@test").CopyTo(bytes, 0);
        await cluster.Store.CreateAsync(UserObjectNames.For(userId).Body(body), new MemoryStream(bytes), BodyMetadata.Create(mailbox, MessageFlags.None, [], created.ToUnixTimeMilliseconds(), size, "x"));
        await user.SaveAsync(new SaveRequest(body, mailbox, null, MessageFlags.None, [], created.ToUnixTimeMilliseconds(), size, null));
        return body;
    }

    private static async Task<AccessTier?> TierOfAsync(StoreSetup storage, string userId, Guid body)
    {
        var blob = ((AzureBlobObjectStore)storage.Store).Container.GetBlobClient(UserObjectNames.For(userId).Body(body));
        return (await blob.GetPropertiesAsync()).Value.AccessTier is { } tier ? new AccessTier(tier) : null;
    }
}
