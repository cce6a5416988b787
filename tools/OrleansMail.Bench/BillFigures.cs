using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Contracts;
using OrleansMail.ObjectStore.Telemetry;

namespace OrleansMail.Bench;

/// <summary>
/// The object-store operations OrleansMail issues per delivery, per IMAP session, per checkpoint and per idle hour
/// of an always-on IDLE client, counted from the store's own metrics (meter "OrleansMail.ObjectStore") on the real
/// silo host, and what they cost per user-month at Azure's per-operation prices. Measured twice in one run: as
/// before (<c>Store:RenewLeaseWhileIdle=true</c>, <c>Lmtp:SingleInstance=false</c>) and as shipped.
/// </summary>
internal static class BillFigures
{
    /// <summary>Azure prices per 10,000 operations the cost model uses; see <see cref="Prices"/>.</summary>
    internal sealed record Prices(double Write, double Read, double List);

    private static readonly string[] Kinds = ["create", "replace", "delete", "read", "ranged_read", "properties", "list"];

    /// <summary>How long a spaced delivery is watched: past the default checkpoint interval (30 s), so its checkpoint counts.</summary>
    private static readonly TimeSpan DeliveryWindow = TimeSpan.FromSeconds(40);

    /// <summary>The default foreign-segment scan: one listing per interval of an active user, too rare for a short idle window to catch.</summary>
    private static readonly TimeSpan ScanInterval = TimeSpan.FromMinutes(10);

    public static async Task<Dictionary<string, double>> MeasureAsync(int idleSeconds, Prices prices, int deliveriesPerDay, int sessionsPerDay)
    {
        var figures = new Dictionary<string, double>();
        var perDay = new Dictionary<string, double>();
        foreach (var (variant, renewIdle) in new[] { ("before", true), ("after", false) })
        {
            var ops = await MeasureVariantAsync(renewIdle, idleSeconds);
            foreach (var (scenario, counts) in ops)
            {
                foreach (var kind in Kinds.Concat(counts.Keys).Distinct())
                {
                    figures[$"{variant}.{scenario}.{kind}"] = counts.GetValueOrDefault(kind);
                }
            }

            // The stated workload, per day: 24 hours of an always-on IDLE client; deliveries spread over the day (each
            // after a quiet period, with the renewals and the checkpoint that follow it, less the idle time its window
            // already counts); sessions of a second client (login, SELECT, FETCH of what is cached, each new body once).
            var day = new Dictionary<string, double>();
            var windowHours = DeliveryWindow.TotalHours;
            foreach (var kind in Kinds)
            {
                var idle = ops["idle_hour"].GetValueOrDefault(kind);
                day[kind] = (24 * idle)
                    + (deliveriesPerDay * (ops["delivery_spaced"].GetValueOrDefault(kind) - (windowHours * idle)))
                    + (deliveriesPerDay * ops["fetch_new_body"].GetValueOrDefault(kind))
                    + (sessionsPerDay * (ops["login_select_warm"].GetValueOrDefault(kind) + ops["fetch_warm"].GetValueOrDefault(kind)));
            }

            var writes = day["create"] + day["replace"];
            var reads = day["read"] + day["ranged_read"] + day["properties"];
            var lists = day["list"];
            figures[$"{variant}.workload.writes_per_day"] = writes;
            figures[$"{variant}.workload.reads_per_day"] = reads;
            figures[$"{variant}.workload.lists_per_day"] = lists;
            var month = 30 * ((writes * prices.Write) + (reads * prices.Read) + (lists * prices.List)) / 10_000;
            figures[$"{variant}.workload.usd_per_user_month"] = month;
            perDay[variant] = month;
        }

        figures["after_over_before.usd_per_user_month"] = perDay["after"] / perDay["before"];
        figures["idle_seconds_measured"] = idleSeconds;
        return figures;
    }

    private static async Task<Dictionary<string, Dictionary<string, double>>> MeasureVariantAsync(bool renewIdle, int idleSeconds)
    {
        var root = Directory.CreateTempSubdirectory("om-bill-").FullName;
        var passwd = Path.Combine(root, "users.passwd");
        const string User = "bill";
        const int Recipients = 20;
        await File.WriteAllLinesAsync(passwd, Enumerable.Range(0, Recipients).Select(r => $"r{r}:{{PLAIN}}x::::::").Append($"{User}:{{PLAIN}}x::::::"));
        var counts = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == InstrumentedObjectStore.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "operation" && tag.Value is string operation)
                {
                    counts.AddOrUpdate(operation, 1, (_, n) => n + 1);
                }
            }
        });
        listener.Start();

        await using var app = await BenchHost.StartAsync(root, null, $"--OrleansMail:Accounts:PasswdFile={passwd}", $"--OrleansMail:Store:RenewLeaseWhileIdle={renewIdle}", $"--OrleansMail:Lmtp:SingleInstance={!renewIdle}");
        var user = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(User);
        var result = new Dictionary<string, Dictionary<string, double>>();
        async Task<T> Count<T>(string scenario, Func<Task<T>> step, double scale = 1)
        {
            var before = new Dictionary<string, int>(counts);
            var value = await step();
            result[scenario] = counts.ToDictionary(c => c.Key, c => (c.Value - before.GetValueOrDefault(c.Key)) * scale);
            return value;
        }

        try
        {
            // The user's first delivery ever (objects created, not measured), then its deliveries as they come.
            await DeliverAsync(app.LmtpPort, User, 0);
            await user.DeactivateAsync();
            await Count("delivery_cold", () => DeliverAsync(app.LmtpPort, User, 1));
            await Count("delivery_warm", () => DeliverAsync(app.LmtpPort, User, 2));
            await Count("checkpoint", async () => { await user.CheckpointAsync(); return 0; });
            await user.DeactivateAsync();
            await using var cold = await Count("login_select_cold", async () =>
            {
                var c = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, User);
                await c.CommandAsync("SELECT INBOX");
                return c;
            });
            await cold.CommandAsync("UID FETCH 1:* (FLAGS ENVELOPE BODYSTRUCTURE)");
            await using var warm = await Count("login_select_warm", async () =>
            {
                var c = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, User);
                await c.CommandAsync("SELECT INBOX");
                return c;
            });
            await Count("fetch_warm", () => warm.CommandAsync("UID FETCH 1:* (FLAGS ENVELOPE BODYSTRUCTURE)"));
            await user.CheckpointAsync();

            // A delivery as most are: after a quiet period longer than the lease, watched until its checkpoint is done.
            await Task.Delay(TimeSpan.FromSeconds(16));
            await Count("delivery_spaced", async () =>
            {
                await DeliverAsync(app.LmtpPort, User, 3);
                await Task.Delay(DeliveryWindow);
                return 0;
            });
            await Count("fetch_new_body", () => warm.CommandAsync("UID FETCH 4 (BODY.PEEK[])"));

            // An always-on phone: a session in IDLE, nothing arriving.
            await using var phone = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, User);
            await phone.CommandAsync("SELECT INBOX");
            await Count("idle_hour", async () => await phone.IdleForAsync(TimeSpan.FromSeconds(idleSeconds)), 3600.0 / idleSeconds);
            result["idle_hour"]["list"] = Math.Max(result["idle_hour"].GetValueOrDefault("list"), TimeSpan.FromHours(1) / ScanInterval);

            // One 1 MB message to twenty local recipients: what the store holds for it.
            var before = StoredBodyBytes(root);
            await Count("delivery_1mb_to_20", () => DeliverAsync(app.LmtpPort, [.. Enumerable.Range(0, Recipients).Select(r => $"r{r}")], 99, 1 << 20));
            result["delivery_1mb_to_20"]["stored_body_bytes"] = StoredBodyBytes(root) - before;
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }

        return result;
    }

    private static long StoredBodyBytes(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "store"), "*", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}msg{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Sum(f => new FileInfo(f).Length);

    private static Task<int> DeliverAsync(int port, string user, int n) => DeliverAsync(port, [user], n, 0);

    /// <summary>One message over LMTP to every one of <paramref name="users"/>, as an MTA sends it; throws unless each is accepted.</summary>
    private static async Task<int> DeliverAsync(int port, string[] users, int n, int padding)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        await reader.ReadLineAsync();
        await stream.WriteAsync("LHLO bench\r\n"u8.ToArray());
        while ((await reader.ReadLineAsync())?[3] == '-')
        {
        }

        var id = n.ToString(CultureInfo.InvariantCulture);
        var envelope = $"MAIL FROM:<bench@remote.example>\r\n{string.Concat(users.Select(u => $"RCPT TO:<{u}@example.org>\r\n"))}DATA\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(envelope));
        for (var r = 0; r < users.Length + 2; r++)
        {
            await reader.ReadLineAsync();
        }

        var body = new StringBuilder($"From: a@remote.example\r\nSubject: bill {id}\r\nMessage-ID: <bill{id}@remote.example>\r\n\r\nA message of the bill benchmark.\r\n");
        while (body.Length < padding)
        {
            body.Append("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(body.Append(".\r\n").ToString()));
        for (var r = 0; r < users.Length; r++)
        {
            var reply = await reader.ReadLineAsync();
            if (reply?.StartsWith("250", StringComparison.Ordinal) != true)
            {
                throw new InvalidOperationException($"delivery {id}: {reply}");
            }
        }

        return 0;
    }
}
