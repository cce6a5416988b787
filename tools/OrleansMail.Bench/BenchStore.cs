using Azure.Storage.Blobs;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.FileSystem;

namespace OrleansMail.Bench;

/// <summary>The object store a benchmark measures on: Azure Blob (Azurite works) when a connection string is given, else a folder.</summary>
internal static class BenchStore
{
    /// <summary>Creates the store and adds to <paramref name="hostArguments"/> what points a silo host at the same one.</summary>
    public static async Task<IObjectStore> CreateAsync(string? azure, string root, List<string> hostArguments)
    {
        if (azure is null)
        {
            return new FileSystemObjectStore(Path.Combine(root, "store"));
        }

        var container = "bench-" + Guid.NewGuid().ToString("N")[..8];
        hostArguments.Add("--OrleansMail:Storage:Provider=AzureBlob");
        hostArguments.Add($"--OrleansMail:Storage:ConnectionString={azure}");
        hostArguments.Add($"--OrleansMail:Storage:Container={container}");
        var blobs = new AzureBlobObjectStore(new BlobServiceClient(azure).GetBlobContainerClient(container));
        await blobs.InitializeAsync();
        return blobs;
    }
}
