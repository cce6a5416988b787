namespace OrleansMail.ManageSieve;

/// <summary>The ManageSieve listener (RFC 5804) and its limits (section OrleansMail:ManageSieve).</summary>
public sealed class ManageSieveOptions
{
    /// <summary>"127.0.0.1:4190" (the IANA port), "[::]:4190", or a Unix socket path; empty for none.</summary>
    public string Endpoint { get; set; } = "127.0.0.1:4190";

    /// <summary>The name in the greeting; default: the machine name.</summary>
    public string Hostname { get; set; } = Environment.MachineName;

    /// <summary>
    /// Take passwords over a connection without TLS from any address. Off by default (Dovecot's
    /// disable_plaintext_auth): without TLS only a loopback or Unix-socket client may log in, and others are told
    /// to use STARTTLS.
    /// </summary>
    public bool AllowPlaintextLogin { get; set; }

    /// <summary>Longest command line, quoted strings included (a script comes as a literal and is bounded by the script size).</summary>
    public int MaxLineLength { get; set; } = 8 * 1024;

    /// <summary>Most bytes one command may bring before login, literals included.</summary>
    public int MaxPreLoginCommandSize { get; set; } = 8 * 1024;

    /// <summary>
    /// A script literal larger than the script limit but at most this is read and dropped, and PUTSCRIPT answers
    /// NO (QUOTA/MAXSIZE); a larger one ends the connection, since reading it would cost more than the answer is worth.
    /// </summary>
    public int MaxSkippedLiteral { get; set; } = 1024 * 1024;

    public int MaxSessionsPerUser { get; set; } = 10;

    public int MaxSessionsPerAddress { get; set; } = 50;

    /// <summary>Connections from one address that have not logged in yet.</summary>
    public int MaxUnauthenticatedPerAddress { get; set; } = 10;

    /// <summary>Failed logins before the connection is closed.</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>Delay after each failed login, growing with each failure (as IMAP's).</summary>
    public TimeSpan AuthFailureDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Refused commands in a row before the session is closed.</summary>
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>From connect to login, whatever the client sends meanwhile.</summary>
    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A logged-in session idle this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Commands per second a session may sustain; past a burst of that many its commands are spaced out. Every
    /// PUTSCRIPT is a compile and a synced journal write: a client that loops on it must not cost the silo its disk.
    /// </summary>
    public int MaxCommandsPerSecond { get; set; } = 50;

    /// <summary>How long a response may wait for a client that does not read before the connection is closed.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
