namespace OrleansMail.Grains.Contracts;

/// <summary>
/// The script a delivery runs: its name and source, the user's other scripts when it includes any (RFC 6609), and
/// a version over all of them. A front end compiles it once and keeps it while the version stays the same; asked
/// with the version it holds, the grain answers <see cref="Unchanged"/> and sends no source at all.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.ActiveSieveScript")]
public sealed record ActiveSieveScript(
    [property: Id(0)] string Name,
    [property: Id(1)] string Source,
    [property: Id(2)] string Version = "",
    [property: Id(3)] Dictionary<string, string>? Includes = null,
    [property: Id(4)] bool Unchanged = false);
