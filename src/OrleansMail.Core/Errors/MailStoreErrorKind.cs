namespace OrleansMail.Errors;

/// <summary>What went wrong, in the terms a protocol answer needs: NO [NONEXISTENT], NO [ALREADYEXISTS], BAD, NO [UNAVAILABLE]/451, NO [OVERQUOTA].</summary>
public enum MailStoreErrorKind
{
    Invalid = 0,
    NotFound = 1,
    AlreadyExists = 2,
    /// <summary>Transient: the store, the lease or the cluster is unavailable; retry later.</summary>
    Unavailable = 3,
    Limit = 4,
    /// <summary>The user's quota (RFC 9208) would be exceeded: NO [OVERQUOTA], LMTP 552 5.2.2 (or 452 4.2.2).</summary>
    OverQuota = 5,
}
