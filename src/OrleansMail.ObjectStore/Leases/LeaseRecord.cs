namespace OrleansMail.ObjectStore.Leases;

/// <summary>The content of users/{u}/lease: who holds the user, until when, and whether they let go cleanly.</summary>
public sealed record LeaseRecord(string HolderSilo, Guid ActivationId, LeaseState State, DateTimeOffset ExpiresAt);
