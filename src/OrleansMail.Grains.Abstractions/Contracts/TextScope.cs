namespace OrleansMail.Grains.Contracts;

/// <summary>Where a SEARCH text key looks (RFC 3501 §6.4.4): the body, the whole message, one header field, or an envelope field.</summary>
public enum TextScope
{
    Body,
    Text,
    Header,
    Subject,
    From,
    To,
    Cc,
    Bcc,
}
