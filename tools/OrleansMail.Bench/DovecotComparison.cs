using System.Globalization;
using System.Text;

namespace OrleansMail.Bench;

/// <summary>
/// OrleansMail next to Debian's Dovecot on the same machine, every server its own process started fresh for each
/// round: the silo host in Release as the README starts it (embedded default), Dovecot tuned (mdbox, processes kept
/// alive and pre-forked) and in its default Maildir layout. The same messages and client code measure each after a
/// whole warm-up pass, the servers taking turns to go first; the ratios to tuned Dovecot are reported as medians of the
/// rounds with their spread, and the table is printed as Markdown.
/// </summary>
internal static class DovecotComparison
{
    /// <summary>The figures compared, with the row each has in the table.</summary>
    private static readonly (string Figure, string Row)[] Rows =
    [
        ("lmtp_messages_per_s", "LMTP deliveries/s"),
        ("append_per_s", "APPEND/s"),
        ("append_pipelined_per_s", "APPEND pipelined/s"),
        ("fetch_per_s", "FETCH BODY.PEEK[]/s"),
        ("logins_per_s", "logins/s"),
        ("imap_mixed_ops_per_s", "mixed IMAP operations/s, {0} clients"),
        ("crowd_imap_mixed_ops_per_s", "mixed IMAP operations/s, {1} clients"),
    ];

    private static readonly string[] Labels = ["dovecot", "dovecot_maildir", "orleansmail"];

    // The figures of the first pass after a fresh start are named after the server with this.
    private const string ColdSuffix = "_cold";

    public sealed record Settings(int Count, int Connections, int Clients, int CrowdClients, int Users, int Mixed, int Seed, int Rounds, int WarmUpPasses, IReadOnlySet<string> Servers, string? SiloDll);

    public static async Task<Dictionary<string, double>> MeasureAsync(Settings settings)
    {
        var messages = MessageMix.Generate(settings.Count, settings.Seed);
        var figures = new Dictionary<string, double>
        {
            ["messages"] = messages.Count,
            ["average_message_bytes"] = messages.Average(m => (double)m.Length),
            ["users"] = settings.Users,
            ["lmtp_connections"] = settings.Connections,
            ["imap_clients"] = settings.Clients,
            ["crowd_imap_clients"] = settings.CrowdClients,
            ["rounds"] = settings.Rounds,
        };
        var labels = Labels.Where(settings.Servers.Contains).ToArray();
        for (var round = 0; round < settings.Rounds; round++)
        {
            // The servers take turns to go first: the page cache and the CPU's clocks favour no one server every round.
            foreach (var label in labels.Skip(round % labels.Length).Concat(labels.Take(round % labels.Length)))
            {
                Console.Error.WriteLine($"round {round + 1} of {settings.Rounds}: {label}");
                await using var process = await ServerProcess.StartAsync(label, settings.Users, settings.SiloDll);
                var server = process.Server;

                // Passes before the measured one: a .NET process is still compiling its hot paths (tier 0, then tier 1
                // with profile-guided code) for its first minutes under load, at up to half its steady pace, and
                // Dovecot's processes fill their caches. The steady state is what an administrator lives with; the
                // first pass after a fresh start is reported too, as what a restart costs.
                for (var pass = 0; pass < settings.WarmUpPasses; pass++)
                {
                    var warm = new Dictionary<string, double>();
                    await ClientWorkloads.RunAsync(server with { Name = $"{label}{ColdSuffix}" }, messages, settings.Connections, settings.Clients, settings.Mixed, warm);
                    foreach (var (name, value) in pass == 0 ? warm : [])
                    {
                        figures[$"round{round + 1}_{name}"] = value;
                    }
                }

                var measured = new Dictionary<string, double>();
                await ClientWorkloads.RunAsync(server, messages, settings.Connections, settings.Clients, settings.Mixed, measured);
                if (settings.CrowdClients > 0)
                {
                    await ClientWorkloads.MixedAsync(server with { Name = $"{label}_crowd" }, messages, settings.CrowdClients, settings.Mixed, measured);
                }

                foreach (var (name, value) in measured)
                {
                    figures[$"round{round + 1}_{name}"] = value;
                }
            }
        }

        foreach (var suffix in new[] { string.Empty, ColdSuffix })
        {
            Summarize(figures, settings, labels, suffix);
        }

        Console.WriteLine("Steady state (after the warm-up passes):");
        Console.WriteLine(Table(figures, settings, string.Empty));
        Console.WriteLine("The first pass after a fresh start:");
        Console.WriteLine(Table(figures, settings, ColdSuffix));
        return figures;
    }

    /// <summary>Medians of the rounds for each server, and of the ratios of OrleansMail to each Dovecot with their spread.</summary>
    private static void Summarize(Dictionary<string, double> figures, Settings settings, string[] labels, string suffix)
    {
        foreach (var (figure, _) in Rows)
        {
            foreach (var label in labels.Select(l => l + suffix))
            {
                if (Values(figures, label, figure, settings.Rounds) is { Count: > 0 } values)
                {
                    figures[$"{label}_{figure}_median"] = Median(values);
                }
            }

            foreach (var reference in labels.Where(l => l != "orleansmail").Select(l => l + suffix))
            {
                if (Ratios(figures, "orleansmail" + suffix, reference, figure, settings.Rounds) is { Count: > 0 } ratios)
                {
                    figures[$"{figure}_orleansmail{suffix}_over_{reference}_median"] = Median(ratios);
                    figures[$"{figure}_orleansmail{suffix}_over_{reference}_min"] = ratios.Min();
                    figures[$"{figure}_orleansmail{suffix}_over_{reference}_max"] = ratios.Max();
                }
            }
        }
    }

    /// <summary>The Markdown table of docs/benchmarks.md: medians of the rounds, and each ratio's spread in brackets.</summary>
    private static string Table(Dictionary<string, double> figures, Settings settings, string suffix)
    {
        string om = "orleansmail" + suffix, tuned = "dovecot" + suffix, maildir = "dovecot_maildir" + suffix;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| workload | Dovecot mdbox, tuned | Dovecot Maildir | OrleansMail | ÷ tuned, median (spread) | ÷ Maildir |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var (figure, row) in Rows)
        {
            string Cell(string key, string format) => figures.TryGetValue(key, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
            var spread = figures.ContainsKey($"{figure}_{om}_over_{tuned}_min")
                ? $" ({Cell($"{figure}_{om}_over_{tuned}_min", "0.00")}–{Cell($"{figure}_{om}_over_{tuned}_max", "0.00")})"
                : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {string.Format(CultureInfo.InvariantCulture, row, settings.Clients, settings.CrowdClients)} | {Cell($"{tuned}_{figure}_median", "N0")} | {Cell($"{maildir}_{figure}_median", "N0")} | {Cell($"{om}_{figure}_median", "N0")} | **{Cell($"{figure}_{om}_over_{tuned}_median", "0.00")}**{spread} | {Cell($"{figure}_{om}_over_{maildir}_median", "0.00")} |");
        }

        return text.ToString();
    }

    private static List<double> Values(Dictionary<string, double> figures, string label, string figure, int rounds) =>
        [.. Enumerable.Range(1, rounds).Select(r => figures.GetValueOrDefault(Key(r, label, figure), double.NaN)).Where(v => !double.IsNaN(v))];

    private static List<double> Ratios(Dictionary<string, double> figures, string label, string reference, string figure, int rounds) =>
        [.. Enumerable.Range(1, rounds)
            .Where(r => figures.ContainsKey(Key(r, label, figure)) && figures.GetValueOrDefault(Key(r, reference, figure)) > 0)
            .Select(r => figures[Key(r, label, figure)] / figures[Key(r, reference, figure)])];

    // The crowd's figures are named after the server with "_crowd", the rest after the server alone.
    private static string Key(int round, string label, string figure) =>
        figure.StartsWith("crowd_", StringComparison.Ordinal)
            ? $"round{round}_{label}_crowd_{figure["crowd_".Length..]}"
            : $"round{round}_{label}_{figure}";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
