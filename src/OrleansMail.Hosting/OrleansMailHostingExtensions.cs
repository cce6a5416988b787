using OrleansMail.FullText;
using System.Diagnostics.Metrics;
using System.Net;
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
using OrleansMail.Grains;
using OrleansMail.Grains.Hosting;
using OrleansMail.Hosting.Validation;
using OrleansMail.Connections;
using OrleansMail.Imap;
using OrleansMail.Lmtp;
using OrleansMail.ManageSieve;
using OrleansMail.Sieve;
using OrleansMail.Submission;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.MailStorage.Memory;
using OrleansMail.MailStorage.Summaries;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Telemetry;

namespace OrleansMail.Hosting;

/// <summary>Adds an OrleansMail server (silo, store, accounts, LMTP and IMAP listeners, probes, telemetry) to a web application builder.</summary>
public static class OrleansMailHostingExtensions
{
    /// <summary>
    /// Composes the server from the OrleansMail configuration section. The embedded default (a file-system store,
    /// localhost clustering) is complete; other providers come from their packages (the Azure one:
    /// <c>AddAzureProviders</c>). Every option is validated when the host starts, with a message naming the setting.
    /// </summary>
    public static OrleansMailBuilder AddOrleansMail(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(MailHostOptions.Section);
        var options = section.Get<MailHostOptions>() ?? new MailHostOptions();
        var dataPath = Path.GetFullPath(options.DataPath);
        var services = builder.Services;

        var passwdFile = PasswdFileOf(section, dataPath);
        var spool = string.IsNullOrEmpty(section["Ingest:TempDirectory"]) ? Path.Combine(dataPath, "spool") : section["Ingest:TempDirectory"]!;
        DataFolder.Prepare(dataPath, spool, passwdFile);

        AddValidatedOptions(services, section, passwdFile, spool);
        services.AddSingleton(new ProviderRegistration(ProviderKind.Storage, StorageOptions.FileSystem));
        services.AddSingleton(new ProviderRegistration(ProviderKind.Clustering, ClusteringOptions.Localhost));

        if (string.Equals(options.Storage.Provider, StorageOptions.FileSystem, StringComparison.OrdinalIgnoreCase))
        {
            var storePath = Path.Combine(dataPath, "store");
            services.AddSingleton<IObjectStore>(sp => new InstrumentedObjectStore(new FileSystemObjectStore(storePath), sp.GetRequiredService<IMeterFactory>()));
            services.AddSingleton(new StoreDescription(storePath));
        }

        services.AddSingleton<IUserDirectory>(sp => new PasswdFileDirectory(sp.GetRequiredService<AccountsOptions>(), sp.GetRequiredService<ILogger<PasswdFileDirectory>>()));
        services.AddSingleton(sp => sp.GetRequiredService<AccountsOptions>().PasswordChecks);
        services.AddSingleton<PasswordCheckQueue>();
        services.AddSingleton<AuthPenalty>();
        services.AddSingleton<LoginCheck>();
        services.AddSingleton<LmtpMetrics>();
        services.AddSingleton<SieveFilter>();
        var submission = section.GetSection("Submission").Get<SubmissionOptions>() ?? new SubmissionOptions();
        var editHeader = section.GetValue<bool>("Sieve:EditHeader");
        services.AddSingleton(new SieveLimits { CanSendMail = submission.Enabled, AllowEditHeader = editHeader });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SubmissionOptions>>().Value);
        services.AddSingleton<SmtpRelay>();
        services.AddSingleton<OutboundQueue>();
        services.AddHostedService<OutboundQueueStart>();
        services.AddSingleton(sp => new ServerCertificate(sp.GetRequiredService<IOptions<TlsOptions>>().Value.Load()));
        services.AddSingleton<ConnectionCounts>();
        services.AddSingleton<ImapMetrics>();
        services.AddSingleton<ManageSieveMetrics>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new MessageBodies(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<BodyCacheOptions>()));
        services.AddSingleton(sp => new MessageSummaries(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<MessageBodies>(), sp.GetRequiredService<MemoryOptions>()));
        services.AddSingleton<MemoryPressure>();
        services.AddSingleton<CacheMetrics>();
        services.AddSingleton(sp => new MessageIngest(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IngestOptions>(), TimeProvider.System));
        services.AddHostedService<StartupReport>();

        ISiloBuilder? siloBuilder = null;
        builder.UseOrleans(silo =>
        {
            siloBuilder = silo;
            silo.AddMailStore(o =>
            {
                section.GetSection("Store").Bind(o);
                if (string.IsNullOrEmpty(o.CacheDirectory))
                {
                    o.CacheDirectory = Path.Combine(dataPath, "cache");
                }

                o.SieveCanSendMail = submission.Enabled;
                o.SieveEditHeader = editHeader;
            });
            silo.AddActivityPropagation();
            // Memory follows the users active now: an idle user's grain checkpoints and goes.
            silo.Configure<GrainCollectionOptions>(g => g.CollectionAge = section.GetSection("Memory").Get<MemoryOptions>()?.IdleUserDeactivation ?? new MemoryOptions().IdleUserDeactivation);
            if (string.Equals(options.Storage.Provider, StorageOptions.FileSystem, StringComparison.OrdinalIgnoreCase))
            {
                silo.UseObjectStoreManifests();
            }

            if (string.Equals(options.Clustering.Provider, ClusteringOptions.Localhost, StringComparison.OrdinalIgnoreCase))
            {
                UseLoopbackClustering(silo, options.Clustering);
            }

            silo.Configure<ClusterMembershipOptions>(m =>
            {
                m.ProbeTimeout = options.Clustering.ProbeTimeout;
                m.NumMissedProbesLimit = options.Clustering.NumMissedProbesLimit;
                m.TableRefreshTimeout = options.Clustering.TableRefreshTimeout;
            });
            // A path to nothing is left to validation, which stops the start naming the setting.
            if (File.Exists(options.Clustering.CertificatePath) && (string.IsNullOrEmpty(options.Clustering.KeyPath) || File.Exists(options.Clustering.KeyPath)))
            {
                silo.UseClusterTls(ClusterTls.Load(options.Clustering.CertificatePath, options.Clustering.KeyPath));
            }
        });

        builder.WebHost.ConfigureKestrel(ConfigureListeners);
        builder.AddOperatorEndpoints(options);
        return new OrleansMailBuilder(builder, siloBuilder!, section, options, dataPath);
    }

    private static string PasswdFileOf(IConfigurationSection section, string dataPath)
    {
        var configured = section["Accounts:PasswdFile"];
        return Path.GetFullPath(string.IsNullOrEmpty(configured) ? Path.Combine(dataPath, "users.passwd") : configured);
    }

    private static void AddValidatedOptions(IServiceCollection services, IConfigurationSection section, string passwdFile, string spool)
    {
        services.AddOptions<MailHostOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailHostOptions>, MailHostOptionsValidator>();
        services.AddOptions<AccountsOptions>().Bind(section.GetSection("Accounts")).PostConfigure(a => a.PasswdFile = passwdFile).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccountsOptions>, AccountsOptionsValidator>();
        services.AddOptions<IngestOptions>().Bind(section.GetSection("Ingest")).PostConfigure(i => i.TempDirectory = spool)
            .PostConfigure<IOptions<FullTextOptions>>((i, fullText) => i.MaxSearchableTextChars = fullText.Value.Enabled ? fullText.Value.MaxTextChars : 0)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();
        services.AddOptions<LmtpOptions>().Bind(section.GetSection("Lmtp")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LmtpOptions>, LmtpOptionsValidator>();
        services.AddOptions<ImapOptions>().Bind(section.GetSection("Imap")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImapOptions>, ImapOptionsValidator>();
        services.AddSingleton<IValidateOptions<ImapOptions>, ImapTlsRequirements>();
        services.AddOptions<SubmissionOptions>().Bind(section.GetSection("Submission")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SubmissionOptions>, SubmissionOptionsValidator>();
        services.AddOptions<ManageSieveOptions>().Bind(section.GetSection("ManageSieve")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ManageSieveOptions>, ManageSieveOptionsValidator>();
        services.AddOptions<BodyCacheOptions>().Bind(section.GetSection("BodyCache")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BodyCacheOptions>, BodyCacheOptionsValidator>();
        services.AddOptions<MemoryOptions>().Bind(section.GetSection("Memory")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemoryOptions>, MemoryOptionsValidator>();
        services.AddOptions<TlsOptions>().Bind(section.GetSection("Tls")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>();
        services.AddOptions<FullTextOptions>().Bind(section.GetSection("FullText")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FullTextOptions>, FullTextOptionsValidator>();
        services.AddOptions<UserGrainOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<UserGrainOptions>, StoreOptionsValidator>();

        // Parts written before the options pattern take the plain objects.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AccountsOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IngestOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BodyCacheOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MemoryOptions>>().Value);
    }

    private static void UseLoopbackClustering(ISiloBuilder silo, ClusteringOptions clustering)
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

    private static void ConfigureListeners(KestrelServerOptions kestrel)
    {
        var services = kestrel.ApplicationServices;
        var lmtp = services.GetRequiredService<IOptions<LmtpOptions>>().Value;
        var imap = services.GetRequiredService<IOptions<ImapOptions>>().Value;
        var http = services.GetRequiredService<IOptions<MailHostOptions>>().Value.Http;
        Listen(kestrel, lmtp.Endpoint, l => l.UseConnectionHandler<LmtpConnectionHandler>());
        if (!string.IsNullOrEmpty(imap.Endpoint))
        {
            Listen(kestrel, imap.Endpoint, l => l.UseConnectionHandler<ImapConnectionHandler>());
        }

        if (!string.IsNullOrEmpty(imap.TlsEndpoint))
        {
            var certificate = services.GetRequiredService<ServerCertificate>().Certificate;
            Listen(kestrel, imap.TlsEndpoint, l =>
            {
                l.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, HandshakeTimeout = imap.TlsHandshakeTimeout });
                l.UseConnectionHandler<ImapConnectionHandler>();
            });
        }

        var manageSieve = services.GetRequiredService<IOptions<ManageSieveOptions>>().Value;
        if (!string.IsNullOrEmpty(manageSieve.Endpoint))
        {
            Listen(kestrel, manageSieve.Endpoint, l => l.UseConnectionHandler<ManageSieveConnectionHandler>());
        }

        if (!string.IsNullOrEmpty(http.Endpoint))
        {
            Listen(kestrel, http.Endpoint, l => l.Protocols = HttpProtocols.Http1);
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string endpoint, Action<ListenOptions> configure)
    {
        if (Endpoints.IsUnixSocket(endpoint, out var path))
        {
            if (File.Exists(path))
            {
                File.Delete(path); // a stale socket from an earlier run
            }

            kestrel.ListenUnixSocket(path, configure);
            return;
        }

        kestrel.Listen(IPEndPoint.Parse(endpoint), configure);
    }
}
