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

    /// <summary>A session idle this long is closed (RFC 5321 §4.5.3.2 suggests 5 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
