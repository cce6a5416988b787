namespace OrleansMail.Errors;

/// <summary>What went wrong, in the terms a protocol answer needs: NO [NONEXISTENT], NO [ALREADYEXISTS], BAD, NO [UNAVAILABLE]/451, NO [OVERQUOTA], NO [NOPERM].</summary>
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
    /// <summary>The mailbox's access control list (RFC 4314) does not give the user this right: NO [NOPERM].</summary>
    NoPermission = 6,
    /// <summary>The object is in use and cannot go: the active Sieve script (ManageSieve NO (ACTIVE), RFC 5804 §2.10).</summary>
    InUse = 7,
}
