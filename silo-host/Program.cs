using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Azure.Storage.Blobs;
using OrleansMail.Grains;
using OrleansMail.Grains.Hosting;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.SiloHost;

// appsettings.json ships beside the binary; relative paths in it (DataPath) resolve against the working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var section = builder.Configuration.GetSection("OrleansMail");
var options = section.Get<MailHostOptions>() ?? new MailHostOptions();
var dataPath = Path.GetFullPath(options.DataPath);
Directory.CreateDirectory(dataPath);

IObjectStore store;
BlobServiceClient? blobs = null;
string where;
if (string.Equals(options.Storage.Provider, "AzureBlob", StringComparison.OrdinalIgnoreCase))
{
    blobs = new BlobServiceClient(options.Storage.ConnectionString);
    var azure = new AzureBlobObjectStore(blobs.GetBlobContainerClient(options.Storage.Container));
    await azure.InitializeAsync();
    store = azure;
    where = $"Azure Blob container '{options.Storage.Container}' at {blobs.Uri}";
}
else
{
    store = new FileSystemObjectStore(Path.Combine(dataPath, "store"));
    where = Path.Combine(dataPath, "store");
}

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.Services.AddSingleton(store);
    silo.AddMailStore(o =>
    {
        section.GetSection("Store").Bind(o);
        if (string.IsNullOrEmpty(o.CacheDirectory))
        {
            o.CacheDirectory = Path.Combine(dataPath, "cache");
        }
    });
    if (blobs is not null)
    {
        silo.UseAzureBlobManifests(blobs, options.Storage.Container + "-manifests");
    }
    else
    {
        silo.UseObjectStoreManifests();
    }
});

var host = builder.Build();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansMail");
log.LogInformation("OrleansMail silo starting. Mail store: {Store}; local index cache: {Cache}", where, Path.Combine(dataPath, "cache"));
await host.StartAsync();
log.LogInformation("OrleansMail silo is up (localhost clustering). IMAP and LMTP listeners arrive with the front-end issues. Ctrl-C stops it cleanly: users checkpoint and release their leases.");
await host.WaitForShutdownAsync();
