namespace OrleansMail.Imap;

/// <summary>The IMAP listener and its limits (section OrleansMail:Imap).</summary>
public sealed class ImapOptions
{
    public string Endpoint { get; set; } = "127.0.0.1:1143";

    /// <summary>Implicit-TLS listener (port 993 style); empty for none. Needs OrleansMail:Tls.</summary>
    public string TlsEndpoint { get; set; } = "";

    public string Hostname { get; set; } = Environment.MachineName;

    /// <summary>Refuse LOGIN and AUTHENTICATE before TLS (advertises LOGINDISABLED); only meaningful with a certificate.</summary>
    public bool RequireTlsForLogin { get; set; }

    public int MaxLineLength { get; set; } = 64 * 1024;

    public int MaxArgumentLiteral { get; set; } = 64 * 1024;

    public int MaxSessionsPerUser { get; set; } = 50;

    public int MaxSessionsPerAddress { get; set; } = 200;

    /// <summary>Failed logins before the connection is closed.</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>Delay after each failed login, growing with each failure (Dovecot: auth_failure_delay 2 s).</summary>
    public TimeSpan AuthFailureDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>RFC 3501 §5.4: an autologout timer of at least 30 minutes once logged in.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idling session re-subscribes and looks for changes itself (observers are not durable).</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Commands per second a session may sustain before it is slowed down (a command-rate guard, not a quota).</summary>
    public int MaxCommandsPerSecond { get; set; } = 500;
}
