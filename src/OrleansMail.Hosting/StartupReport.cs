using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansMail.Accounts.Directory;
using OrleansMail.Connections;
using OrleansMail.Grains;
using OrleansMail.Imap;
using OrleansMail.Lmtp;
using OrleansMail.ManageSieve;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Memory;

namespace OrleansMail.Hosting;

/// <summary>Tells the operator, once the host is up, where mail and users live and what listens where.</summary>
internal sealed partial class StartupReport(
    ILogger<StartupReport> log,
    StoreDescription store,
    IOptions<UserGrainOptions> grains,
    AccountsOptions accounts,
    IOptions<LmtpOptions> lmtp,
    IOptions<ImapOptions> imap,
    IOptions<ManageSieveOptions> manageSieve,
    IOptions<MailHostOptions> host,
    ServerCertificate certificate,
    BodyCacheOptions bodyCache,
    MemoryOptions memory,
    MemoryPressure pressure,
    CacheMetrics cacheMetrics) : IHostedService
{
    /// <summary>Made with the host so its instruments exist from the start.</summary>
    public CacheMetrics CacheMetrics { get; } = cacheMetrics;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        MailStore(log, store.Where, grains.Value.CacheDirectory);
        Users(log, accounts.PasswdFile);
        if (!File.ReadLines(accounts.PasswdFile).Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')))
        {
            NoUsers(log, accounts.PasswdFile);
        }

        LmtpListening(log, lmtp.Value.Endpoint);
        if (!string.IsNullOrEmpty(imap.Value.Endpoint))
        {
            ImapListening(log, imap.Value.Endpoint, certificate.Certificate is null ? "" : " (STARTTLS offered)");
        }

        if (!string.IsNullOrEmpty(imap.Value.TlsEndpoint))
        {
            ImapTlsListening(log, imap.Value.TlsEndpoint);
        }

        if (!string.IsNullOrEmpty(manageSieve.Value.Endpoint))
        {
            ManageSieveListening(log, manageSieve.Value.Endpoint, certificate.Certificate is null ? "" : " (STARTTLS offered)");
        }

        if (!string.IsNullOrEmpty(host.Value.Http.Endpoint))
        {
            HttpListening(log, host.Value.Http.Endpoint);
        }

        Memory(log, bodyCache.MaxBytes >> 20, memory.SummaryCacheBytes >> 20, grains.Value.SummaryCacheBytesPerUser >> 10, pressure.Limit >> 20, GCSettings.IsServerGC ? "server" : "workstation", memory.IdleUserDeactivation);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Mail store: {Store}; local index cache: {Cache}")]
    private static partial void MailStore(ILogger logger, string store, string cache);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Users: {PasswdFile} (Dovecot passwd-file format, re-read when it changes)")]
    private static partial void Users(ILogger logger, string passwdFile);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "No users yet. Add one with: dotnet run --project tools/OrleansMail.Cli -- user add alice --passwd-file {PasswdFile}")]
    private static partial void NoUsers(ILogger logger, string passwdFile);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "LMTP listening on {Endpoint}")]
    private static partial void LmtpListening(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "IMAP listening on {Endpoint}{StartTls}")]
    private static partial void ImapListening(ILogger logger, string endpoint, string startTls);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "IMAP over TLS listening on {Endpoint}")]
    private static partial void ImapTlsListening(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Memory: body cache {BodyCacheMiB} MiB, summary cache {SummaryCacheMiB} MiB, {PerUserKiB} KiB of summary batches per active user; new logins and deliveries wait above {ShedMiB} MiB resident; {Gc} GC; idle users leave memory after {Idle}")]
    private static partial void Memory(ILogger logger, long bodyCacheMiB, long summaryCacheMiB, long perUserKiB, long shedMiB, string gc, TimeSpan idle);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "ManageSieve listening on {Endpoint}{StartTls}")]
    private static partial void ManageSieveListening(ILogger logger, string endpoint, string startTls);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Probes (/healthz, /ready) and metrics (/metrics) on http://{Endpoint}")]
    private static partial void HttpListening(ILogger logger, string endpoint);
}
