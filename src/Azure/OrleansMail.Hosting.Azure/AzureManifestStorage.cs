using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansMail.Grains;

namespace OrleansMail.Hosting.Azure;

/// <summary>Manifests through Orleans' Azure blob grain storage, serialized as clean JSON (never the type-named default: a rename would make old state unreadable).</summary>
public static class AzureManifestStorage
{
    /// <summary>Manifests in <paramref name="containerName"/> of the registered <see cref="BlobServiceClient"/>.</summary>
    public static ISiloBuilder UseAzureBlobManifests(this ISiloBuilder builder, string containerName) =>
        builder.AddAzureBlobGrainStorage(MailStoreNames.GrainStorage, (OptionsBuilder<AzureBlobStorageOptions> ob) => ob.Configure<IServiceProvider>((o, sp) =>
        {
            o.BlobServiceClient = sp.GetRequiredService<BlobServiceClient>();
            o.ContainerName = containerName;
            o.GrainStorageSerializer = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        }));

    /// <summary>Manifests in <paramref name="containerName"/> of <paramref name="client"/> (test clusters that make their own clients).</summary>
    public static ISiloBuilder UseAzureBlobManifests(this ISiloBuilder builder, BlobServiceClient client, string containerName) =>
        builder.AddAzureBlobGrainStorage(MailStoreNames.GrainStorage, (OptionsBuilder<AzureBlobStorageOptions> ob) => ob.Configure(o =>
        {
            o.BlobServiceClient = client;
            o.ContainerName = containerName;
            o.GrainStorageSerializer = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        }));
}
