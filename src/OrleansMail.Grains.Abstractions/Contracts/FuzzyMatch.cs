namespace OrleansMail.Grains.Contracts;

/// <summary>A message a fuzzy search found (RFC 6203), with its relevancy from 1 (least) to 100.</summary>
[GenerateSerializer, Immutable, Alias("om.FuzzyMatch")]
public sealed record FuzzyMatch(
    [property: Id(0)] uint Uid,
    [property: Id(1)] int Relevancy);
