namespace OrleansMail.Grains.Contracts;

/// <summary>The script a delivery runs: its name and source, which a front end compiles once and keeps while the source stays the same.</summary>
[GenerateSerializer, Immutable, Alias("om.ActiveSieveScript")]
public sealed record ActiveSieveScript(
    [property: Id(0)] string Name,
    [property: Id(1)] string Source);
