namespace OrleansMail.Lmtp;

/// <summary>Section OrleansMail:Lmtp.</summary>
public sealed class LmtpOptions
{
    /// <summary>"127.0.0.1:2424", "[::1]:24", or a Unix socket path ("/run/orleansmail/lmtp" or "unix:/...").</summary>
    public string Endpoint { get; set; } = "127.0.0.1:2424";

    /// <summary>The name in the greeting and in Received headers; default: the machine name.</summary>
    public string Hostname { get; set; } = Environment.MachineName;

    public int MaxLineLength { get; set; } = 4096;

    public int MaxRecipients { get; set; } = 1000;

    /// <summary>
    /// Deliver "user+folder@domain" into the folder of exactly that name when it exists (Dovecot's
    /// lmtp_save_to_detail_mailbox); never creates one. Off by default: any sender could file mail into any folder.
    /// </summary>
    public bool SaveToDetailMailbox { get; set; }

    /// <summary>
    /// A recipient over quota gets 452 4.2.2 (the MTA keeps the message and retries) instead of 552 5.2.2 (it bounces
    /// now); Dovecot's quota_full_tempfail.
    /// </summary>
    public bool QuotaFullTempfail { get; set; }

    /// <summary>A session idle this long is closed (RFC 5321 §4.5.3.2 suggests 5 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A message to several local recipients is stored once, each recipient keeping only its trace headers
    /// (docs/architecture.md, "Single instance"); false stores a whole copy per recipient, as before.
    /// </summary>
    public bool SingleInstance { get; set; } = true;
}
