namespace OrleansMail.ObjectStore.Leases;

/// <summary>The outcome of taking a lease: whether the previous holder ended uncleanly (crash, zombie), and who it was.</summary>
public sealed record LeaseAcquisition(bool PreviousEndedUncleanly, LeaseRecord? Previous);
