using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansMail.Bench;

/// <summary>
/// A long mixed load against a running server (the mixed IMAP client profile in rounds, plus LMTP deliveries),
/// with the server's memory sampled as it goes: resident set from /proc (given its process id), GC heap, cache
/// bytes, active users and sessions from its /metrics scrape (given its operator port). Printed as a table and
/// drawn as an SVG beside the figures, so a plateau, or its absence, shows at a glance.
/// </summary>
internal static partial class SoakFigures
{
    public static async Task<Dictionary<string, double>> MeasureAsync(MailServer server, TimeSpan duration, TimeSpan sampleEvery, int? pid, int? httpPort, int clients, int connections, int seed, string svgPath)
    {
        var messages = MessageMix.Generate(400, seed);
        using var stop = new CancellationTokenSource(duration);
        var delivered = 0L;
        var rounds = 0L;
        var load = new List<Task>
        {
            Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var batch = messages.Skip(Random.Shared.Next(messages.Count - 40)).Take(40).ToList();
                    await LmtpFigures.LmtpAsync(server, batch, connections);
                    Interlocked.Add(ref delivered, batch.Count);
                }
            }),
            Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await ClientWorkloads.MixedAsync(server, messages, clients, clients * 50, []);
                    Interlocked.Increment(ref rounds);
                }
            }),
        };

        using var http = httpPort is { } port ? new HttpClient { BaseAddress = new Uri($"http://{server.Host}:{port}"), Timeout = TimeSpan.FromSeconds(10) } : null;
        var samples = new List<Sample>();
        var watch = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(sampleEvery, CancellationToken.None);
            var scrape = http is null ? "" : await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var sample = new Sample(
                watch.Elapsed,
                pid is { } p ? ResidentBytes(p) : double.NaN,
                Sum(scrape, "dotnet_gc_last_collection_heap_size_bytes"),
                Sum(scrape, "orleansmail_cache_bytes"),
                Sum(scrape, "orleansmail_store_summaries_bytes"),
                Sum(scrape, "orleansmail_store_active_users"),
                Sum(scrape, "orleansmail_imap_sessions"),
                Interlocked.Read(ref delivered));
            samples.Add(sample);
            Console.WriteLine(sample.Row());
        }

        await Task.WhenAll(load);
        await File.WriteAllTextAsync(svgPath, Plot(samples));
        Console.WriteLine($"  plot: {svgPath}");

        var figures = new Dictionary<string, double> { ["minutes"] = duration.TotalMinutes, ["delivered"] = delivered, ["mixed_rounds"] = rounds };
        foreach (var minute in new[] { 5, 10, 20, 30 })
        {
            if (samples.LastOrDefault(s => s.At <= TimeSpan.FromMinutes(minute) + sampleEvery) is { } at && at.At >= TimeSpan.FromMinutes(minute) - sampleEvery)
            {
                figures[$"rss_mib_at_{minute}_min"] = at.Rss / (1 << 20);
                figures[$"gc_heap_mib_at_{minute}_min"] = at.GcHeap / (1 << 20);
            }
        }

        figures["rss_mib_last"] = samples.Count > 0 ? samples[^1].Rss / (1 << 20) : double.NaN;
        figures["gc_heap_mib_last"] = samples.Count > 0 ? samples[^1].GcHeap / (1 << 20) : double.NaN;
        return figures;
    }

    private static double ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The sum of a Prometheus metric's series (every label set), NaN when the scrape has none.</summary>
    private static double Sum(string scrape, string metric)
    {
        var values = MetricLine().Matches(scrape).Where(m => m.Groups["name"].Value == metric).Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)).ToList();
        return values.Count == 0 ? double.NaN : values.Sum();
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (?<value>[-+0-9.eE]+|NaN)", RegexOptions.Multiline)]
    private static partial Regex MetricLine();

    private static string Plot(List<Sample> samples)
    {
        const int width = 800, height = 360, margin = 50;
        var seconds = Math.Max(1, samples.Count == 0 ? 1 : samples[^1].At.TotalSeconds);
        var top = samples.SelectMany(s => new[] { s.Rss, s.GcHeap, s.CacheBytes }).Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max() / (1 << 20) * 1.1;
        string Line(Func<Sample, double> value, string colour) =>
            $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(' ', samples.Where(s => !double.IsNaN(value(s))).Select(s => string.Create(CultureInfo.InvariantCulture, $"{margin + (s.At.TotalSeconds / seconds * (width - (2 * margin))):0.#},{height - margin - (value(s) / (1 << 20) / top * (height - (2 * margin))):0.#}")))}\"/>";
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/><line x1=\"{margin}\" y1=\"{height - margin}\" x2=\"{width - margin}\" y2=\"{height - margin}\" stroke=\"black\"/><line x1=\"{margin}\" y1=\"{margin}\" x2=\"{margin}\" y2=\"{height - margin}\" stroke=\"black\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{margin}\" y=\"{margin - 10}\">MiB (top {top:0}); minutes (right {seconds / 60:0.#})</text>");
        svg.Append(Line(s => s.Rss, "crimson")).Append(Line(s => s.GcHeap, "navy")).Append(Line(s => s.CacheBytes, "seagreen"));
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 260}\" y=\"{margin}\" fill=\"crimson\">resident set</text><text x=\"{width - 170}\" y=\"{margin}\" fill=\"navy\">GC heap</text><text x=\"{width - 100}\" y=\"{margin}\" fill=\"seagreen\">caches</text></svg>");
        return svg.ToString();
    }

    private sealed record Sample(TimeSpan At, double Rss, double GcHeap, double CacheBytes, double UserSummaryBytes, double ActiveUsers, double Sessions, long Delivered)
    {
        public string Row() => string.Create(CultureInfo.InvariantCulture, $"  {At.TotalMinutes,6:0.0} min  rss {Rss / (1 << 20),7:0.0} MiB  gc heap {GcHeap / (1 << 20),7:0.0} MiB  caches {CacheBytes / (1 << 20),6:0.0} MiB  user summaries {UserSummaryBytes / (1 << 20),5:0.0} MiB  users {ActiveUsers,4}  sessions {Sessions,4}  delivered {Delivered,7}");
    }
}
