namespace OrleansMail.Imap;

/// <summary>The IMAP listener and its limits (section OrleansMail:Imap).</summary>
public sealed class ImapOptions
{
    public string Endpoint { get; set; } = "127.0.0.1:1143";

    /// <summary>
    /// SEARCH, SORT and THREAD ask the user's full-text index about text keys and read only the messages it leaves
    /// open; off, they read every message (the benchmark's baseline, and a way out should an index ever misbehave).
    /// </summary>
    public bool UseFullTextIndex { get; set; } = true;

    /// <summary>The server's /shared/comment METADATA entry (RFC 5464 §3.2.1.1); empty for none. Read-only to clients.</summary>
    public string ServerComment { get; set; } = "";

    /// <summary>The server's /shared/admin entry: a URI to reach its administrator (e.g. mailto:postmaster@…); empty for none.</summary>
    public string ServerAdmin { get; set; } = "";

    /// <summary>
    /// Users who may read and set any user's quota with GETQUOTA and SETQUOTA (RFC 9208), naming it "user/NAME";
    /// none by default. What they set is kept by that user's grain and replaces its passwd-file rules.
    /// </summary>
    public string[] QuotaAdmins { get; set; } = [];

    /// <summary>Implicit-TLS listener (port 993 style); empty for none. Needs OrleansMail:Tls.</summary>
    public string TlsEndpoint { get; set; } = "";

    public string Hostname { get; set; } = Environment.MachineName;

    /// <summary>Refuse LOGIN and AUTHENTICATE before TLS (advertises LOGINDISABLED); only meaningful with a certificate.</summary>
    public bool RequireTlsForLogin { get; set; }

    public int MaxLineLength { get; set; } = 64 * 1024;

    public int MaxArgumentLiteral { get; set; } = 64 * 1024;

    /// <summary>
    /// Most bytes one command may bring before login, literals included: enough for any real LOGIN or AUTHENTICATE,
    /// far too little to hold memory with.
    /// </summary>
    public int MaxPreLoginCommandSize { get; set; } = 8 * 1024;

    /// <summary>Most bytes one command may bring once logged in, its in-memory literals together (APPEND's messages aside).</summary>
    public long MaxCommandSize { get; set; } = 2 * 1024 * 1024;

    public int MaxSessionsPerUser { get; set; } = 50;

    /// <summary>BAD answers in a row before a session is closed (Dovecot: 20); a client that keeps sending garbage is not a client.</summary>
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>Connections from one address that have not logged in yet (Dovecot's login process limits do this job).</summary>
    public int MaxUnauthenticatedPerAddress { get; set; } = 20;

    public int MaxSessionsPerAddress { get; set; } = 200;

    /// <summary>Failed logins before the connection is closed.</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>Delay after each failed login, growing with each failure (Dovecot: auth_failure_delay 2 s).</summary>
    public TimeSpan AuthFailureDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>RFC 3501 §5.4: an autologout timer of at least 30 minutes once logged in.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>From connect to login, whatever the client sends meanwhile: traffic does not extend it.</summary>
    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The TLS handshake of STARTTLS and of the implicit-TLS port.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a response may wait for a client that does not read before the connection is closed.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most body sections (BODY[...], BINARY[...]) one FETCH may ask for per message, after duplicates are merged.</summary>
    public int MaxFetchSections { get; set; } = 32;

    /// <summary>Most messages one MULTIAPPEND may carry.</summary>
    public int MaxAppendMessages { get; set; } = 1000;

    /// <summary>Most bytes one MULTIAPPEND may carry, all its messages together; 0 is four times the message size limit.</summary>
    public long MaxAppendBytes { get; set; }

    /// <summary>Searches and sorts one selection keeps up to date (RFC 5267 RETURN (UPDATE)): each is searched again on every change.</summary>
    public int MaxUpdatedContexts { get; set; } = 16;

    /// <summary>Messages a selection's kept searches and sorts may hold together (a UID each for a search); past it NOUPDATE.</summary>
    public int MaxContextMessages { get; set; } = 200_000;

    /// <summary>Of those, what its kept sorts may hold: a sort keeps every message's keys, some 200 bytes each.</summary>
    public int MaxSortedContextMessages { get; set; } = 25_000;

    /// <summary>Longest ID field value kept for the log (RFC 2971 allows 1024; clients send far less).</summary>
    public int MaxIdFieldLength { get; set; } = 128;

    /// <summary>How often an idling session re-subscribes and looks for changes itself (observers are not durable).</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Commands per second a session may sustain; past a burst of that many its commands are spaced out (a command-rate guard, not a quota).</summary>
    public int MaxCommandsPerSecond { get; set; } = 2000;
}
