using System.Diagnostics;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.ObjectStore.Tests;

/// <summary>A stopped store: calls fail fast with the typed transient error, and work again after a restart.</summary>
public sealed class AzuriteOutageTests
{
    [Fact]
    public async Task A_stopped_azurite_gives_typed_transient_errors_and_nothing_half_written()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var store = new AzureBlobObjectStore(azurite.CreateBlobServiceClient().GetBlobContainerClient("outage"));
        await store.InitializeAsync();
        await store.CreateAsync("before", [1]);

        await azurite.StopAsync();
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.CreateAsync("during", [2]));
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.ReadAsync("before"));
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.ListAsync(""));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"outage took {watch.Elapsed} to surface");

        await azurite.RestartAsync();
        Assert.Null(await store.ReadAsync("during"));
        Assert.Equal([1], await store.ReadBytesAsync("before"));
        Assert.True(await store.CreateAsync("after", [3]));
    }
}
