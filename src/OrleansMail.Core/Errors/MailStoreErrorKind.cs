namespace OrleansMail.Errors;

/// <summary>What went wrong, in the terms a protocol answer needs: NO [NONEXISTENT], NO [ALREADYEXISTS], BAD, NO [UNAVAILABLE]/451.</summary>
public enum MailStoreErrorKind
{
    Invalid = 0,
    NotFound = 1,
    AlreadyExists = 2,
    /// <summary>Transient: the store, the lease or the cluster is unavailable; retry later.</summary>
    Unavailable = 3,
    Limit = 4,
}
