namespace OrleansMail.Grains.Contracts;

/// <summary>
/// A user's full-text index as `fts status` shows it: messages indexed and waiting, its size on the silo's disk,
/// whether the index is being filled from the bodies, and the checkpoint the object store holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.FullTextStatus")]
public sealed record FullTextStatus(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] int Indexed,
    [property: Id(2)] int Waiting,
    [property: Id(3)] long Bytes,
    [property: Id(4)] bool Filling,
    [property: Id(5)] string? Published,
    [property: Id(6)] string LoadedFrom,
    [property: Id(7)] bool OverBudget);
