namespace OrleansMail.Fuzz;

/// <summary>What a bounded fuzzing run did and found.</summary>
public sealed record FuzzReport(
    string Target,
    long Executions,
    TimeSpan Duration,
    int SeedEdges,
    int Edges,
    int CorpusSize,
    long MaxAllocatedBytes,
    TimeSpan SlowestExecution,
    IReadOnlyList<FuzzFinding> Findings)
{
    public override string ToString() =>
        $"{Target}: {Executions:N0} executions in {Duration.TotalSeconds:0.0} s ({Executions / Math.Max(0.001, Duration.TotalSeconds):N0}/s), " +
        $"edges {SeedEdges} from the seeds -> {Edges}, corpus {CorpusSize}, max allocated {MaxAllocatedBytes / 1024.0:N0} KiB, " +
        $"slowest {SlowestExecution.TotalMilliseconds:0.#} ms, findings {Findings.Count}";
}

/// <summary>An input that crashed the target, ran too long or allocated without bound.</summary>
public sealed record FuzzFinding(string Kind, string Detail, byte[] Input, string? SavedAs);
