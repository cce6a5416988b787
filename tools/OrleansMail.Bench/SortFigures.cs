using System.Diagnostics;

namespace OrleansMail.Bench;

/// <summary>
/// SORT and THREAD on a large mailbox and on one a tenth its size, in one run: the time of each against SEARCH ALL
/// on the same mailbox (the baseline), and the growth from the small mailbox to the large one (10 for linear work).
/// </summary>
internal static class SortFigures
{
    private static readonly string[] Commands =
    [
        "SEARCH ALL",
        "SORT (ARRIVAL) UTF-8 ALL",
        "SORT (DATE) UTF-8 ALL",
        "SORT (FROM) UTF-8 ALL",
        "SORT (SUBJECT) UTF-8 ALL",
        "THREAD REFERENCES UTF-8 ALL",
        "THREAD ORDEREDSUBJECT UTF-8 ALL",
    ];

    public static async Task<Dictionary<string, double>> MeasureAsync(int messages, int seed)
    {
        var root = Directory.CreateTempSubdirectory("om-sort-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), ["small:{PLAIN}x::::::", "large:{PLAIN}x::::::"]);
        await using var app = await BenchHost.StartAsync(root, null);
        try
        {
            var mix = MessageMix.Generate(500, seed);
            var small = Math.Max(mix.Count, messages / 10);
            await MailboxFiller.FillAsync(app, "small", mix, small);
            await MailboxFiller.FillAsync(app, "large", mix, messages);
            var figures = new Dictionary<string, double> { ["messages_small"] = small, ["messages_large"] = messages };
            var smallTimes = await TimeAllAsync(app.ImapPort, "small");
            var largeTimes = await TimeAllAsync(app.ImapPort, "large");
            foreach (var command in Commands)
            {
                var name = command.Split(' ')[0].ToLowerInvariant() + (command.StartsWith("SEARCH", StringComparison.Ordinal) ? "" : "_" + command.Split(' ')[1].Trim('(', ')').ToLowerInvariant());
                figures[name + "_small_ms"] = smallTimes[command];
                figures[name + "_large_ms"] = largeTimes[command];
                figures[name + "_growth"] = largeTimes[command] / smallTimes[command];
                figures[name + "_over_search_large"] = largeTimes[command] / largeTimes[Commands[0]];
            }

            return figures;
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Each command once to warm caches, then the best of three.</summary>
    private static async Task<Dictionary<string, double>> TimeAllAsync(int port, string user)
    {
        await using var c = await ImapFigures.ImapConnection.OpenAsync(port, user);
        await c.CommandAsync("SELECT INBOX");
        var times = new Dictionary<string, double>();
        foreach (var command in Commands)
        {
            await c.CommandAsync(command);
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                await c.CommandAsync(command);
                best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            }

            times[command] = best;
        }

        return times;
    }
}
