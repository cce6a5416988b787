using System.CommandLine;
using OrleansMail.Fuzz;
using SharpFuzz;

var targetArgument = new Argument<string>("target") { Description = $"What to fuzz: {string.Join(", ", InstrumentedTarget.Names)}" };
var seconds = new Option<int>("--seconds") { Description = "How long to run", DefaultValueFactory = _ => 60 };
var corpus = new Option<string?>("--corpus") { Description = "Seed folder (default: the corpus shipped for the target)" };
var findings = new Option<string>("--findings") { Description = "Where crashing, hanging or over-allocating inputs are saved", DefaultValueFactory = _ => "fuzz-findings" };
var seed = new Option<int>("--seed") { Description = "Random seed: the same seed replays the same run", DefaultValueFactory = _ => 1 };

var run = new Command("run", "The built-in coverage-guided fuzzer for a bounded time; exit code 1 when it found something")
{
    targetArgument, seconds, corpus, findings, seed,
};
run.SetAction(parse =>
{
    var name = parse.GetValue(targetArgument)!;
    using var target = InstrumentedTarget.Load(name);
    var report = CoverageFuzzer.Run(target, new FuzzOptions
    {
        Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
        Seed = parse.GetValue(seed),
        Seeds = FuzzOptions.ReadCorpus(parse.GetValue(corpus) ?? Path.Combine(AppContext.BaseDirectory, "corpus", name)),
        FindingsFolder = parse.GetValue(findings),
    });
    Console.WriteLine(report);
    foreach (var finding in report.Findings)
    {
        Console.WriteLine($"  {finding.Kind}: {finding.Detail} ({finding.SavedAs})");
    }

    return report.Findings.Count == 0 ? 0 : 1;
});

// Under afl-fuzz (AFL++ from Debian: afl-fuzz -i corpus/imap -o out -- dotnet orleansmail-fuzz.dll afl imap) and
// libFuzzer (libfuzzer-dotnet --target_path=...), the engines own the loop; the instrumentation is the same.
var afl = new Command("afl", "Serve afl-fuzz as a fork server") { targetArgument };
afl.SetAction(parse =>
{
    using var target = InstrumentedTarget.Load(parse.GetValue(targetArgument)!);
    Fuzzer.Run(stream =>
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        target.Run(copy.ToArray());
    });
    return 0;
});

var libFuzzer = new Command("libfuzzer", "Serve libfuzzer-dotnet") { targetArgument };
libFuzzer.SetAction(parse =>
{
    using var target = InstrumentedTarget.Load(parse.GetValue(targetArgument)!);
    Fuzzer.LibFuzzer.Run(span => target.Run(span.ToArray()));
    return 0;
});

var root = new RootCommand("Fuzzes OrleansMail's IMAP and LMTP parsers") { run, afl, libFuzzer };
return await root.Parse(args).InvokeAsync();
