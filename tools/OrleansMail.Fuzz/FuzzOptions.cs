namespace OrleansMail.Fuzz;

/// <summary>How long and how hard a <see cref="CoverageFuzzer"/> run goes, and what counts as a finding.</summary>
public sealed record FuzzOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public int Seed { get; init; } = 1;

    public IReadOnlyList<byte[]> Seeds { get; init; } = [];

    public int MaxInputLength { get; init; } = 2048;

    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Per execution; inputs are at most a few KiB and the parsers' limits a few hundred bytes.</summary>
    public long AllocationLimit { get; init; } = 16L * 1024 * 1024;

    public string? FindingsFolder { get; init; }

    public int MaxFindings { get; init; } = 20;

    /// <summary>The seed files of a corpus folder (one input per file).</summary>
    public static IReadOnlyList<byte[]> ReadCorpus(string folder) =>
        Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)] : [];
}
