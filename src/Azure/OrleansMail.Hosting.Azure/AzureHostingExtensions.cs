using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.Telemetry;

namespace OrleansMail.Hosting.Azure;

/// <summary>The Azure providers of an OrleansMail host: Storage:Provider=AzureBlob and Clustering:Provider=AzureTable.</summary>
public static class AzureHostingExtensions
{
    public const string BlobStorage = "AzureBlob";

    public const string TableClustering = "AzureTable";

    /// <summary>Makes AzureBlob and AzureTable known to the host, and sets up whichever of them the configuration picks.</summary>
    public static OrleansMailBuilder AddAzureProviders(this OrleansMailBuilder mail)
    {
        mail.AddProvider(ProviderKind.Storage, BlobStorage).AddProvider(ProviderKind.Clustering, TableClustering);
        mail.Services.AddSingleton<IValidateOptions<MailHostOptions>, AzureOptionsValidator>();
        var options = mail.Options;
        if (string.Equals(options.Storage.Provider, BlobStorage, StringComparison.OrdinalIgnoreCase))
        {
            UseBlobStorage(mail, options.Storage);
        }

        if (string.Equals(options.Clustering.Provider, TableClustering, StringComparison.OrdinalIgnoreCase))
        {
            UseTableClustering(mail.Silo, options);
        }

        return mail;
    }

    private static void UseBlobStorage(OrleansMailBuilder mail, StorageOptions storage)
    {
        // Clients are made when first asked for, after validation has had its say about the connection string.
        mail.Services.AddSingleton(_ => new BlobServiceClient(storage.ConnectionString, storage.ToBlobClientOptions()));
        mail.Services.AddSingleton(sp => new AzureBlobObjectStore(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(storage.Container)));
        mail.Services.AddSingleton<IObjectStore>(sp => new InstrumentedObjectStore(sp.GetRequiredService<AzureBlobObjectStore>(), sp.GetRequiredService<IMeterFactory>()));
        mail.Services.AddSingleton(sp => new StoreDescription($"Azure Blob container '{storage.Container}' at {sp.GetRequiredService<BlobServiceClient>().Uri}"));
        mail.Services.AddHostedService<BlobContainerStartup>();
        mail.Silo.UseAzureBlobManifests(storage.Container + "-manifests");
    }

    private static void UseTableClustering(ISiloBuilder silo, MailHostOptions options)
    {
        var clustering = options.Clustering;
        var connection = string.IsNullOrEmpty(clustering.ConnectionString) ? options.Storage.ConnectionString : clustering.ConnectionString;
        silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clustering.ClusterId;
            o.ServiceId = clustering.ServiceId;
        });
        silo.ConfigureEndpoints(clustering.ResolveAdvertisedAddress(), clustering.SiloPort, clustering.GatewayPort, listenOnAnyHostAddress: false);
    }
}
