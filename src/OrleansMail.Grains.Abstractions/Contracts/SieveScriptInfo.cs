namespace OrleansMail.Grains.Contracts;

/// <summary>One of a user's Sieve scripts as LISTSCRIPTS shows it (RFC 5804 §2.7): its name and whether it is the active one.</summary>
[GenerateSerializer, Immutable, Alias("om.SieveScriptInfo")]
public sealed record SieveScriptInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Active);
