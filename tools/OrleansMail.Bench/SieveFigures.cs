using System.Diagnostics;
using OrleansMail.Grains.Contracts;
using OrleansMail.Sieve;

namespace OrleansMail.Bench;

/// <summary>
/// What Sieve costs at delivery, in one run on the real host: LMTP deliveries to users with a 20-rule script against
/// users with none, in alternating passes; and the time to compile a 1,000-rule script.
/// </summary>
internal static class SieveFigures
{
    private const int Users = 10;

    public static async Task<Dictionary<string, double>> MeasureAsync(int count, int connections, int seed)
    {
        var figures = new Dictionary<string, double>
        {
            ["compile_1000_rules_ms"] = CompileMilliseconds(Rules(1000)),
            ["compile_20_rules_ms"] = CompileMilliseconds(Rules(20)),
        };

        var root = Directory.CreateTempSubdirectory("om-sieve-").FullName;
        var plain = new MailServer("plain", "127.0.0.1", 0, 0, UserPrefix: "plain", Users: Users);
        var sieved = new MailServer("sieved", "127.0.0.1", 0, 0, UserPrefix: "sieved", Users: Users);
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), plain.PasswdLines().Concat(sieved.PasswdLines()));
        await using var app = await BenchHost.StartAsync(root, null);
        var grains = (IGrainFactory)app.Services.GetService(typeof(IGrainFactory))!;
        var script = Rules(20);
        for (var u = 0; u < Users; u++)
        {
            var grain = grains.GetGrain<IUserGrain>(sieved.User(u));
            await grain.PutSieveScriptAsync("rules", script);
            await grain.SetActiveSieveScriptAsync("rules");
        }

        plain = plain with { LmtpPort = app.LmtpPort };
        sieved = sieved with { LmtpPort = app.LmtpPort };
        var messages = MessageMix.Generate(count, seed);
        await LmtpFigures.LmtpAsync(plain, [.. messages.Take(connections * 4)], connections);
        await LmtpFigures.LmtpAsync(sieved, [.. messages.Take(connections * 4)], connections);
        var rates = new Dictionary<string, List<double>> { ["plain"] = [], ["sieved"] = [] };
        for (var pass = 0; pass < 4; pass++)
        {
            // Alternating, each first in turn, so neither gains from a warmer process.
            MailServer[] order = pass % 2 == 0 ? [plain, sieved] : [sieved, plain];
            foreach (var server in order)
            {
                var (seconds, _, failures) = await LmtpFigures.LmtpAsync(server, messages, connections, $"{server.Name} lmtp");
                if (failures > 0)
                {
                    throw new InvalidOperationException($"{failures} deliveries failed");
                }

                rates[server.Name].Add(messages.Count / seconds);
            }
        }

        // The script ran: its last line flags every message it keeps.
        var user = grains.GetGrain<IUserGrain>(sieved.User(0));
        var kept = await user.FetchAsync((await user.GetMailboxAsync("INBOX")).Id, Mail.UidSet.Range(1, 10));
        if (kept.Length == 0 || !kept.All(m => m.Keywords.Contains("$Filtered")))
        {
            throw new InvalidOperationException("the script did not run on the sieved users' mail");
        }

        figures["lmtp_no_script_per_s"] = LmtpFigures.Percentile(rates["plain"], 0.5);
        figures["lmtp_20_rules_per_s"] = LmtpFigures.Percentile(rates["sieved"], 0.5);
        figures["lmtp_20_rules_over_no_script"] = figures["lmtp_20_rules_per_s"] / figures["lmtp_no_script_per_s"];
        return figures;
    }

    /// <summary>Rules as users write them: header, address and size tests, each filing into its own folder; none matches the benchmark's mail but the last, a keep with a flag.</summary>
    private static string Rules(int count)
    {
        var rules = Enumerable.Range(0, count - 1).Select(i => (i % 3) switch
        {
            0 => $"if header :contains \"subject\" \"project-{i}\" {{ fileinto :flags \"$P{i}\" \"Projects/{i}\"; stop; }}",
            1 => $"if address :domain :is \"from\" \"list{i}.example.net\" {{ fileinto \"Lists/{i}\"; stop; }}",
            _ => $"if allof (size :over {i + 100}M, header :matches \"x-tag\" \"*{i}*\") {{ discard; stop; }}",
        });
        return "require [\"fileinto\", \"imap4flags\"];\n" + string.Join('\n', rules) + "\naddflag \"$Filtered\";\n";
    }

    private static double CompileMilliseconds(string script)
    {
        SieveScript.Compile(script, new SieveLimits { MaxScriptBytes = 1 << 20 });
        var times = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var watch = Stopwatch.StartNew();
            SieveScript.Compile(script, new SieveLimits { MaxScriptBytes = 1 << 20 });
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return LmtpFigures.Percentile(times, 0.5);
    }
}
