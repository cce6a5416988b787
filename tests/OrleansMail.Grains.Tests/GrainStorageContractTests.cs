using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansMail.Grains.Storage;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>The manifest storage contract (ETag semantics), against our object-store storage and Orleans' Azure blob storage, as silos resolve them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainStorageContractTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("filesystem")]
    [InlineData("azure")]
    public async Task Manifests_are_read_written_and_guarded_by_etag(string backend)
    {
        var storage = backend == "azure" ? await StoreSetup.AzureAsync(azurite.Server, _folder) : StoreSetup.FileSystem(_folder);
        await using var cluster = await MailCluster.StartAsync(storage);
        var grainStorage = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(MailStoreNames.GrainStorage);
        var grainId = GrainId.Create("user", "contract-" + Guid.NewGuid().ToString("N"));

        var empty = new GrainState<UserManifest>();
        await grainStorage.ReadStateAsync("manifest", grainId, empty);
        Assert.False(empty.RecordExists);

        var mine = new GrainState<UserManifest>(new UserManifest { Seq = 1, Writer = Guid.NewGuid() });
        await grainStorage.WriteStateAsync("manifest", grainId, mine);
        Assert.NotNull(mine.ETag);

        var theirs = new GrainState<UserManifest>();
        await grainStorage.ReadStateAsync("manifest", grainId, theirs);
        Assert.Equal(1, theirs.State!.Seq);
        Assert.Equal(mine.ETag, theirs.ETag);

        theirs.State!.Seq = 2;
        theirs.State!.Segments.Add(new ManifestObject(2, "log-2"));
        await grainStorage.WriteStateAsync("manifest", grainId, theirs);

        mine.State!.Seq = 99;
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => grainStorage.WriteStateAsync("manifest", grainId, mine));

        var check = new GrainState<UserManifest>();
        await grainStorage.ReadStateAsync("manifest", grainId, check);
        Assert.Equal(2, check.State!.Seq);
        Assert.Equal("log-2", Assert.Single(check.State!.Segments).Name);

        var stranger = new GrainState<UserManifest>(new UserManifest { Seq = 5 });
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => grainStorage.WriteStateAsync("manifest", grainId, stranger));
    }
}
