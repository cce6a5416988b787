namespace OrleansMail.Imap.Protocol.Search;

/// <summary>The envelope address lists SEARCH can look in.</summary>
public enum AddressField
{
    From,
    To,
    Cc,
    Bcc,
}
