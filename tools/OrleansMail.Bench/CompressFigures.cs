using System.Diagnostics;

namespace OrleansMail.Bench;

/// <summary>
/// What COMPRESS=DEFLATE saves a client on a slow link: bytes on the wire (and time here, on loopback) of one FETCH
/// of every whole body of the message mix, with and without compression, in one run.
/// </summary>
internal static class CompressFigures
{
    public static async Task<Dictionary<string, double>> MeasureAsync(int messages, int seed)
    {
        var root = Directory.CreateTempSubdirectory("om-compress-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), ["user0:{PLAIN}x::::::"]);
        await using var app = await BenchHost.StartAsync(root, null);
        try
        {
            var mix = MessageMix.Generate(messages, seed);
            await MailboxFiller.FillAsync(app, "user0", mix, mix.Count);
            await FetchAllAsync(app.ImapPort, compress: false); // warm the body cache for both
            var (plainBytes, plainMs) = await FetchAllAsync(app.ImapPort, compress: false);
            var (deflateBytes, deflateMs) = await FetchAllAsync(app.ImapPort, compress: true);
            return new Dictionary<string, double>
            {
                ["messages"] = mix.Count,
                ["message_bytes"] = mix.Sum(m => (double)m.Length),
                ["plain_wire_bytes"] = plainBytes,
                ["deflate_wire_bytes"] = deflateBytes,
                ["plain_over_deflate_bytes"] = plainBytes / (double)deflateBytes,
                ["plain_ms"] = plainMs,
                ["deflate_ms"] = deflateMs,
                ["deflate_over_plain_time"] = deflateMs / plainMs,
            };
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(long Bytes, double Ms)> FetchAllAsync(int port, bool compress)
    {
        await using var c = await ImapFigures.ImapConnection.OpenAsync(port, "user0");
        if (compress)
        {
            await c.CompressAsync();
        }

        await c.CommandAsync("EXAMINE INBOX");
        var before = c.WireBytesReceived;
        var watch = Stopwatch.StartNew();
        await c.CommandAsync("FETCH 1:* (BODY.PEEK[])");
        return (c.WireBytesReceived - before, watch.Elapsed.TotalMilliseconds);
    }
}
