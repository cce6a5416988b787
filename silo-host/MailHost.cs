using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansMail.Accounts.Authentication;
using OrleansMail.Accounts.Directory;
using OrleansMail.Grains.Hosting;
using OrleansMail.Imap;
using OrleansMail.Lmtp;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Summaries;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.FileSystem;

namespace OrleansMail.SiloHost;

/// <summary>Composes one OrleansMail process: the silo, the object store, accounts and the LMTP listener, from configuration.</summary>
public static class MailHost
{
    /// <param name="configureServices">Runs last, so tests can replace a registration (say, a fault-injecting store).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // appsettings.json ships beside the binary; relative paths in it (DataPath) resolve against the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var section = builder.Configuration.GetSection("OrleansMail");
        var options = section.Get<MailHostOptions>() ?? new MailHostOptions();
        var dataPath = Path.GetFullPath(options.DataPath);
        PrivateData.Prepare(dataPath);

        var accounts = section.GetSection("Accounts").Get<AccountsOptions>() ?? new AccountsOptions();
        if (string.IsNullOrEmpty(accounts.PasswdFile))
        {
            accounts.PasswdFile = Path.Combine(dataPath, "users.passwd");
        }

        accounts.PasswdFile = Path.GetFullPath(accounts.PasswdFile);
        if (!File.Exists(accounts.PasswdFile))
        {
            await File.WriteAllTextAsync(accounts.PasswdFile, "# OrleansMail users, in Dovecot passwd-file format: user:{SCHEME}hash:uid:gid:gecos:home:shell:extra\n").ConfigureAwait(false);
        }

        var ingestOptions = section.GetSection("Ingest").Get<IngestOptions>() ?? new IngestOptions();
        if (string.IsNullOrEmpty(section.GetSection("Ingest")["TempDirectory"]))
        {
            ingestOptions.TempDirectory = Path.Combine(dataPath, "spool");
        }

        PrivateData.Prepare(ingestOptions.TempDirectory);
        var lmtp = section.GetSection("Lmtp").Get<LmtpOptions>() ?? new LmtpOptions();
        var imap = section.GetSection("Imap").Get<ImapOptions>() ?? new ImapOptions();
        var bodyCache = section.GetSection("BodyCache").Get<BodyCacheOptions>() ?? new BodyCacheOptions();
        var tls = section.GetSection("Tls").Get<TlsOptions>() ?? new TlsOptions();
        var certificate = tls.Load();
        if (!string.IsNullOrEmpty(imap.TlsEndpoint) && certificate is null)
        {
            throw new InvalidOperationException("OrleansMail:Imap:TlsEndpoint needs OrleansMail:Tls:CertificatePath and KeyPath (PEM)");
        }

        if (imap.RequireTlsForLogin && certificate is null)
        {
            // Without a certificate there is no TLS to require: starting anyway would take passwords in clear text.
            throw new InvalidOperationException("OrleansMail:Imap:RequireTlsForLogin needs OrleansMail:Tls:CertificatePath and KeyPath (PEM)");
        }

        var (store, blobs, where) = await CreateStoreAsync(options, dataPath).ConfigureAwait(false);
        builder.Services.AddSingleton<IObjectStore>(new OrleansMail.ObjectStore.Telemetry.InstrumentedObjectStore(store));
        builder.Services.AddSingleton(accounts);
        builder.Services.AddSingleton<IUserDirectory>(sp => new PasswdFileDirectory(accounts, sp.GetRequiredService<ILogger<PasswdFileDirectory>>()));
        builder.Services.AddSingleton(accounts.PasswordChecks);
        builder.Services.AddSingleton<PasswordCheckQueue>();
        builder.Services.AddSingleton<AuthPenalty>();
        builder.Services.AddSingleton(ingestOptions);
        builder.Services.AddSingleton(Options.Create(lmtp));
        builder.Services.AddSingleton<LmtpMetrics>();
        builder.Services.AddSingleton(Options.Create(imap));
        builder.Services.AddSingleton(bodyCache);
        builder.Services.AddSingleton(new ImapTlsCertificate(certificate));
        builder.Services.AddSingleton<ImapConnectionLimits>();
        builder.Services.AddSingleton<ImapMetrics>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new MessageBodies(sp.GetRequiredService<IObjectStore>(), bodyCache));
        builder.Services.AddSingleton(sp => new MessageSummaries(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<MessageBodies>()));
        builder.Services.AddSingleton(sp => new MessageIngest(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IGrainFactory>(), ingestOptions, TimeProvider.System));

        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, options);
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

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, lmtp.Endpoint, l => l.UseConnectionHandler<LmtpConnectionHandler>());
            if (!string.IsNullOrEmpty(imap.Endpoint))
            {
                Listen(kestrel, imap.Endpoint, l => l.UseConnectionHandler<ImapConnectionHandler>());
            }

            if (!string.IsNullOrEmpty(imap.TlsEndpoint))
            {
                Listen(kestrel, imap.TlsEndpoint, l =>
                {
                    l.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, HandshakeTimeout = imap.TlsHandshakeTimeout });
                    l.UseConnectionHandler<ImapConnectionHandler>();
                });
            }
        });
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansMail");
        log.LogInformation("Mail store: {Store}; local index cache: {Cache}", where, Path.Combine(dataPath, "cache"));
        log.LogInformation("Users: {PasswdFile} (Dovecot passwd-file format, re-read when it changes)", accounts.PasswdFile);
        if (!File.ReadLines(accounts.PasswdFile).Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')))
        {
            log.LogWarning("No users yet. Add one with: dotnet run --project tools/OrleansMail.Cli -- user add alice --passwd-file {PasswdFile}", accounts.PasswdFile);
        }
        log.LogInformation("LMTP listening on {Endpoint}", lmtp.Endpoint);
        if (!string.IsNullOrEmpty(imap.Endpoint))
        {
            log.LogInformation("IMAP listening on {Endpoint}{StartTls}", imap.Endpoint, certificate is null ? "" : " (STARTTLS offered)");
        }

        if (!string.IsNullOrEmpty(imap.TlsEndpoint))
        {
            log.LogInformation("IMAP over TLS listening on {Endpoint}", imap.TlsEndpoint);
        }
        return app;
    }

    private static void ConfigureClustering(ISiloBuilder silo, MailHostOptions options)
    {
        var clustering = options.Clustering;
        if (string.Equals(clustering.Provider, "AzureTable", StringComparison.OrdinalIgnoreCase))
        {
            var connection = string.IsNullOrEmpty(clustering.ConnectionString) ? options.Storage.ConnectionString : clustering.ConnectionString;
            silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clustering.ClusterId;
                o.ServiceId = clustering.ServiceId;
            });
            silo.ConfigureEndpoints(clustering.ResolveAdvertisedAddress(), clustering.SiloPort, clustering.GatewayPort, listenOnAnyHostAddress: false);
        }
        else
        {
            silo.UseLocalhostClustering(clustering.SiloPort, clustering.GatewayPort);

            // The embedded default's silo and gateway ports answer only on loopback: nothing outside the box can
            // join the cluster or call a grain.
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, clustering.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, clustering.GatewayPort);
            });
        }

        if (!string.IsNullOrEmpty(clustering.CertificatePath))
        {
            silo.UseClusterTls(ClusterTls.Load(clustering.CertificatePath, clustering.KeyPath));
        }
        else if (string.Equals(clustering.Provider, "AzureTable", StringComparison.OrdinalIgnoreCase) && !clustering.AllowPlaintext)
        {
            throw new InvalidOperationException(
                "A cluster (OrleansMail:Clustering:Provider=AzureTable) needs OrleansMail:Clustering:CertificatePath and KeyPath (PEM): " +
                "silos and the admin CLI authenticate each other with it. Set OrleansMail:Clustering:AllowPlaintext=true only on a network nobody else can reach.");
        }

        silo.Configure<ClusterMembershipOptions>(m =>
        {
            m.ProbeTimeout = clustering.ProbeTimeout;
            m.NumMissedProbesLimit = clustering.NumMissedProbesLimit;
            m.TableRefreshTimeout = clustering.TableRefreshTimeout;
        });
    }

    private static void Listen(KestrelServerOptions kestrel, string endpoint, Action<ListenOptions> configure)
    {
        if (endpoint.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) || endpoint.StartsWith('/'))
        {
            var path = endpoint.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) ? endpoint[5..] : endpoint;
            if (File.Exists(path))
            {
                File.Delete(path); // a stale socket from an earlier run
            }

            kestrel.ListenUnixSocket(path, configure);
            return;
        }

        kestrel.Listen(IPEndPoint.Parse(endpoint), configure);
    }

    private static async Task<(IObjectStore Store, BlobServiceClient? Blobs, string Where)> CreateStoreAsync(MailHostOptions options, string dataPath)
    {
        if (string.Equals(options.Storage.Provider, "AzureBlob", StringComparison.OrdinalIgnoreCase))
        {
            var blobs = new BlobServiceClient(options.Storage.ConnectionString, options.Storage.BlobClientOptions());
            var azure = new AzureBlobObjectStore(blobs.GetBlobContainerClient(options.Storage.Container));
            await azure.InitializeAsync().ConfigureAwait(false);
            return (azure, blobs, $"Azure Blob container '{options.Storage.Container}' at {blobs.Uri}");
        }

        var path = Path.Combine(dataPath, "store");
        return (new FileSystemObjectStore(path), null, path);
    }
}
