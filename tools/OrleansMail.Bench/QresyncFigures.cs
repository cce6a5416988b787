using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansMail.Bench;

/// <summary>
/// What QRESYNC saves a reconnecting client: bytes and time of SELECT (QRESYNC ...) on a large mailbox after a few
/// changes, against the same client relisting every flag with SELECT + UID FETCH 1:* (FLAGS), in one run.
/// </summary>
internal static partial class QresyncFigures
{
    public static async Task<Dictionary<string, double>> MeasureAsync(int messages, int changes, int seed)
    {
        var root = Directory.CreateTempSubdirectory("om-qresync-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), ["user0:{PLAIN}x::::::"]);
        await using var app = await BenchHost.StartAsync(root, null);
        var port = app.ImapPort;
        try
        {
            await MailboxFiller.FillAsync(app, "user0", MessageMix.Generate(200, seed), messages);

            // The client's state before it disconnects.
            uint validity;
            ulong modSeq;
            await using (var before = await ImapFigures.ImapConnection.OpenAsync(port, "user0"))
            {
                before.Keep = true;
                await before.CommandAsync("ENABLE QRESYNC");
                await before.CommandAsync("SELECT INBOX");
                var text = string.Join('\n', before.Kept);
                validity = uint.Parse(ValidityRegex().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
                modSeq = ulong.Parse(HighestRegex().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
            }

            // Another client changes a few messages.
            var random = new Random(seed);
            await using (var other = await ImapFigures.ImapConnection.OpenAsync(port, "user0"))
            {
                await other.CommandAsync("SELECT INBOX");
                for (var i = 0; i < changes; i++)
                {
                    await other.CommandAsync($"STORE {random.Next(1, messages + 1)} +FLAGS.SILENT (\\Flagged)");
                }
            }

            // Warm both paths once, then measure each the same way.
            await ResyncAsync(port, validity, modSeq);
            await FullAsync(port);
            var (quickMs, quickBytes, quickLines) = await ResyncAsync(port, validity, modSeq);
            var (fullMs, fullBytes, fullLines) = await FullAsync(port);
            return new Dictionary<string, double>
            {
                ["messages"] = messages,
                ["changes"] = changes,
                ["qresync_ms"] = quickMs,
                ["qresync_bytes"] = quickBytes,
                ["qresync_lines"] = quickLines,
                ["full_listing_ms"] = fullMs,
                ["full_listing_bytes"] = fullBytes,
                ["full_listing_lines"] = fullLines,
                ["full_over_qresync_bytes"] = fullBytes / (double)quickBytes,
                ["full_over_qresync_time"] = fullMs / quickMs,
            };
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(double Ms, long Bytes, int Lines)> ResyncAsync(int port, uint validity, ulong modSeq)
    {
        await using var c = await ImapFigures.ImapConnection.OpenAsync(port, "user0");
        await c.CommandAsync("ENABLE QRESYNC");
        var start = c.BytesReceived;
        var watch = Stopwatch.StartNew();
        var lines = await c.CommandAsync($"SELECT INBOX (QRESYNC ({validity} {modSeq}))");
        return (watch.Elapsed.TotalMilliseconds, c.BytesReceived - start, lines);
    }

    private static async Task<(double Ms, long Bytes, int Lines)> FullAsync(int port)
    {
        await using var c = await ImapFigures.ImapConnection.OpenAsync(port, "user0");
        var start = c.BytesReceived;
        var watch = Stopwatch.StartNew();
        var lines = await c.CommandAsync("SELECT INBOX");
        lines += await c.CommandAsync("UID FETCH 1:* (FLAGS)");
        return (watch.Elapsed.TotalMilliseconds, c.BytesReceived - start, lines);
    }

    [GeneratedRegex(@"UIDVALIDITY (\d+)")]
    private static partial Regex ValidityRegex();

    [GeneratedRegex(@"HIGHESTMODSEQ (\d+)")]
    private static partial Regex HighestRegex();

}
