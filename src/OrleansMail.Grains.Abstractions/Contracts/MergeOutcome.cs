namespace OrleansMail.Grains.Contracts;

/// <summary>The merged index (snapshot bytes) and what the merge renumbered or renamed.</summary>
[GenerateSerializer, Immutable, Alias("om.MergeOutcome")]
public sealed record MergeOutcome(
    [property: Id(0)] byte[] MergedState,
    [property: Id(1)] int ReassignedUids,
    [property: Id(2)] int RenamedMailboxes);
