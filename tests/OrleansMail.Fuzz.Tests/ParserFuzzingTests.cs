using Xunit;
using Xunit.Abstractions;

namespace OrleansMail.Fuzz.Tests;

/// <summary>
/// The IMAP and LMTP parsers under a bounded coverage-guided fuzzing run (SharpFuzz edge coverage, AFL-style
/// mutation): no exception, no execution over the hang limit, no allocation past the limit. The run must also
/// reach code its seeds did not, or the instrumentation is broken and the fuzzer blind.
/// </summary>
public sealed class ParserFuzzingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("imap")]
    [InlineData("lmtp")]
    [InlineData("sieve")]
    public void A_bounded_fuzzing_run_finds_no_crash_hang_or_runaway_allocation(string name)
    {
        using var target = InstrumentedTarget.Load(name);
        Assert.True(target.InstrumentedTypes > 0, "no type of the protocol assembly was instrumented");
        var seeds = FuzzOptions.ReadCorpus(Path.Combine(AppContext.BaseDirectory, "corpus", name));
        Assert.NotEmpty(seeds);

        // A new seed each run explores further over time; it is printed, and findings are saved, for replay.
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var report = CoverageFuzzer.Run(target, new FuzzOptions
        {
            Duration = Budget,
            Seed = seed,
            Seeds = seeds,
            FindingsFolder = Path.Combine(AppContext.BaseDirectory, "fuzz-findings"),
        });
        output.WriteLine(report.ToString());
        foreach (var finding in report.Findings)
        {
            output.WriteLine($"{finding.Kind}: {finding.Detail}; input (hex) {Convert.ToHexString(finding.Input)}");
        }

        Assert.Empty(report.Findings.Select(f => $"{f.Kind}: {f.Detail}: {Convert.ToHexString(f.Input)}"));
        Assert.True(report.Executions > 1000, $"only {report.Executions} executions");
        Assert.True(report.Edges > report.SeedEdges, $"no edge beyond the seeds' {report.SeedEdges}: the fuzzer is blind");
    }
}
