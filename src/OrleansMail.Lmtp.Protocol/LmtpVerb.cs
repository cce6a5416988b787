namespace OrleansMail.Lmtp.Protocol;

/// <summary>The LMTP commands this server knows (RFC 2033, RFC 5321, RFC 3030).</summary>
public enum LmtpVerb
{
    Unknown = 0,
    Lhlo,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
}
