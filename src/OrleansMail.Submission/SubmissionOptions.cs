namespace OrleansMail.Submission;

/// <summary>
/// The relay the server sends its own mail through (section OrleansMail:Submission): Sieve's redirect and vacation.
/// Without a host, nothing is sent and scripts that would send are refused when they are stored.
/// </summary>
public sealed class SubmissionOptions
{
    /// <summary>The relay's name or address (the site's MTA, e.g. Postfix on port 587); empty for none.</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>"StartTls" (required), "Tls" (implicit, port 465), or "None" (a relay on loopback or a private network only).</summary>
    public string Tls { get; set; } = "StartTls";

    /// <summary>Account to authenticate as at the relay; empty to send without authenticating.</summary>
    public string User { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>How long a message that cannot be sent is retried before it is given up, as an MTA's queue lifetime.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(5);

    /// <summary>The first retry's delay; each later one doubles it, up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryInitial { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the queue is looked at when nothing new was queued (a nudge that was lost, a restart).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
