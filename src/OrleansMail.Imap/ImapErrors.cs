using OrleansMail.Errors;

namespace OrleansMail.Imap;

/// <summary>Store and cluster failures as IMAP answers (RFC 5530 response codes): never a dropped connection.</summary>
internal static class ImapErrors
{
    public static bool TryDescribe(Exception e, out string status)
    {
        status = e switch
        {
            MailStorage.Ingest.MessageTooLargeException => "NO [TOOBIG] Message too large",
            MailStoreException { Kind: MailStoreErrorKind.Unavailable } => "NO [UNAVAILABLE] The mail store is temporarily unavailable; try again",
            MailStoreException { Kind: MailStoreErrorKind.NotFound } => "NO [NONEXISTENT] " + e.Message,
            MailStoreException { Kind: MailStoreErrorKind.AlreadyExists } => "NO [ALREADYEXISTS] " + e.Message,
            MailStoreException { Kind: MailStoreErrorKind.Limit } => "NO [LIMIT] " + e.Message,
            MailStoreException { Kind: MailStoreErrorKind.OverQuota } => "NO [OVERQUOTA] " + e.Message,
            MailStoreException { Kind: MailStoreErrorKind.NoPermission } => "NO [NOPERM] " + e.Message,
            MailStoreException { Kind: MailStoreErrorKind.Invalid } => "NO [CANNOT] " + e.Message,
            SiloUnavailableException or TimeoutException or OrleansMessageRejectionException or Orleans.Runtime.OrleansException
                => "NO [UNAVAILABLE] The mail store is temporarily unavailable; try again",
            _ => "",
        };
        return status.Length > 0;
    }
}
