namespace OrleansMail.ObjectStore.Leases;

/// <summary>
/// The content of users/{u}/lease: who holds the user, until when, and whether they let go cleanly; and when the
/// lease object was first created (the user's first activation), carried unchanged by every holder.
/// </summary>
public sealed record LeaseRecord(string HolderSilo, Guid ActivationId, LeaseState State, DateTimeOffset ExpiresAt, DateTimeOffset? Born = null);
