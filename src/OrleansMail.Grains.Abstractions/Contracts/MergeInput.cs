namespace OrleansMail.Grains.Contracts;

/// <summary>
/// The three inputs of a merge, by object name: the common base (a snapshot plus segments), the current side
/// (its state as snapshot bytes, plus the lineage segments after the base for change stamps) and the diverged chain.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.MergeInput")]
public sealed record MergeInput(
    [property: Id(0)] string? BaseSnapshot,
    [property: Id(1)] string[] BaseSegments,
    [property: Id(2)] byte[] CurrentState,
    [property: Id(3)] Guid CurrentActivation,
    [property: Id(4)] string[] CurrentSegments,
    [property: Id(5)] string[] ChainSegments);
