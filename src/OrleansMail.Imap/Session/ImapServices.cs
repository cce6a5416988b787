using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Authentication;
using OrleansMail.Accounts.Directory;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.MailStorage.Memory;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>What every IMAP session of the silo shares.</summary>
internal sealed record ImapServices(
    IGrainFactory Grains,
    IUserDirectory Users,
    LoginCheck Logins,
    MessageIngest IngestPath,
    IngestOptions Ingest,
    MessageBodies Bodies,
    MessageSummaries Summaries,
    ImapOptions Options,
    ConnectionCounts Limits,
    ImapMetrics Metrics,
    X509Certificate2? Certificate,
    MemoryPressure Memory,
    ILogger Log,
    TimeProvider Time);
