using System.Globalization;
using System.Text;

namespace OrleansMail.Bench;

/// <summary>
/// OrleansMail next to Debian's Dovecot on the same machine, every server its own process started fresh for each
/// round: the silo host in Release as the README starts it (embedded default), Dovecot tuned (mdbox, processes kept
/// alive and pre-forked) and in its default Maildir layout. The same messages and client code measure each after a
/// warm-up pass, the servers taking turns to go first; the ratios to tuned Dovecot are reported as medians of the
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

    public sealed record Settings(int Count, int Connections, int Clients, int CrowdClients, int Users, int Mixed, int Seed, int Rounds, IReadOnlySet<string> Servers, string? SiloDll);

    public static async Task<Dictionary<string, double>> MeasureAsync(Settings settings)
    {
        var messages = MessageMix.Generate(settings.Count, settings.Seed);
        var warmMessages = messages.Take(Math.Min(600, messages.Count)).ToList();
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

                // A cold .NET process compiles its hot paths in its first minute; Dovecot's processes fill their caches.
                await ClientWorkloads.RunAsync(server with { Name = "warm-up" }, warmMessages, settings.Connections, settings.Clients, 300, []);
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

        foreach (var (figure, _) in Rows)
        {
            foreach (var label in labels)
            {
                if (Values(figures, label, figure, settings.Rounds) is { Count: > 0 } values)
                {
                    figures[$"{label}_{figure}_median"] = Median(values);
                }
            }

            foreach (var reference in labels.Where(l => l != "orleansmail"))
            {
                if (Ratios(figures, reference, figure, settings.Rounds) is { Count: > 0 } ratios)
                {
                    figures[$"{figure}_orleansmail_over_{reference}_median"] = Median(ratios);
                    figures[$"{figure}_orleansmail_over_{reference}_min"] = ratios.Min();
                    figures[$"{figure}_orleansmail_over_{reference}_max"] = ratios.Max();
                }
            }
        }

        Console.WriteLine(Table(figures, settings));
        return figures;
    }

    /// <summary>The Markdown table of docs/benchmarks.md: medians of the rounds, and each ratio's spread in brackets.</summary>
    private static string Table(Dictionary<string, double> figures, Settings settings)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| workload | Dovecot mdbox, tuned | Dovecot Maildir | OrleansMail | ÷ tuned, median (spread) | ÷ Maildir |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var (figure, row) in Rows)
        {
            string Cell(string key, string format) => figures.TryGetValue(key, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
            var spread = figures.ContainsKey($"{figure}_orleansmail_over_dovecot_min")
                ? $" ({Cell($"{figure}_orleansmail_over_dovecot_min", "0.00")}–{Cell($"{figure}_orleansmail_over_dovecot_max", "0.00")})"
                : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {string.Format(CultureInfo.InvariantCulture, row, settings.Clients, settings.CrowdClients)} | {Cell($"dovecot_{figure}_median", "N0")} | {Cell($"dovecot_maildir_{figure}_median", "N0")} | {Cell($"orleansmail_{figure}_median", "N0")} | **{Cell($"{figure}_orleansmail_over_dovecot_median", "0.00")}**{spread} | {Cell($"{figure}_orleansmail_over_dovecot_maildir_median", "0.00")} |");
        }

        return text.ToString();
    }

    private static List<double> Values(Dictionary<string, double> figures, string label, string figure, int rounds) =>
        [.. Enumerable.Range(1, rounds).Select(r => figures.GetValueOrDefault(Key(r, label, figure), double.NaN)).Where(v => !double.IsNaN(v))];

    private static List<double> Ratios(Dictionary<string, double> figures, string reference, string figure, int rounds) =>
        [.. Enumerable.Range(1, rounds)
            .Where(r => figures.ContainsKey(Key(r, "orleansmail", figure)) && figures.GetValueOrDefault(Key(r, reference, figure)) > 0)
            .Select(r => figures[Key(r, "orleansmail", figure)] / figures[Key(r, reference, figure)])];

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
