using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Authentication;
using OrleansMail.Connections;
using OrleansMail.MailStorage.Memory;
using OrleansMail.Sieve;

namespace OrleansMail.ManageSieve;

/// <summary>What every ManageSieve session of the silo shares.</summary>
internal sealed record ManageSieveServices(
    IGrainFactory Grains,
    LoginCheck Logins,
    ManageSieveOptions Options,
    ConnectionCounts Counts,
    ManageSieveMetrics Metrics,
    X509Certificate2? Certificate,
    MemoryPressure Memory,
    SieveLimits SieveRules,
    ILogger Log,
    TimeProvider Time);
