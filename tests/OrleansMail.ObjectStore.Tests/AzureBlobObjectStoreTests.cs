using System.Diagnostics;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.ObjectStore.Tests;

/// <summary>The contract on Azure Blob Storage, through Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobObjectStoreTests : ObjectStoreContract, IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly AzureBlobObjectStore _store;

    public AzureBlobObjectStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _store = new AzureBlobObjectStore(azurite.Server.CreateBlobServiceClient().GetBlobContainerClient("c" + Guid.NewGuid().ToString("N")));
    }

    protected override IObjectStore Store => _store;

    public Task InitializeAsync() => _store.InitializeAsync();

    public Task DisposeAsync() => _store.Container.DeleteIfExistsAsync();

    [Fact]
    public async Task A_second_writer_of_a_body_gets_409_BlobAlreadyExists_from_the_service()
    {
        await Store.CreateAsync("dup/x", [1]);
        var e = await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => _store.Container.GetBlobClient("dup/x").UploadAsync(
            new BinaryData(new byte[] { 2 }),
            new global::Azure.Storage.Blobs.Models.BlobUploadOptions { Conditions = new global::Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = global::Azure.ETag.All } }));
        Assert.Equal(409, e.Status);
        Assert.Equal("BlobAlreadyExists", e.ErrorCode);
    }
}
