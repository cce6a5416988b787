using System.Diagnostics;

namespace OrleansMail.Bench;

/// <summary>
/// Shared mailboxes (RFC 4314) against own ones, in one run on the real host: SELECT, a flag listing and a FETCH of
/// bodies of one mailbox by its owner and by a reader through the shared namespace, taken in turns; and a LIST of a
/// user who has many mailboxes shared from many users against one who owns as many.
/// </summary>
internal static class SharedFigures
{
    private const int Rounds = 11;

    private static readonly string[] Readers = ["owner", "reader", "lister", "browser"];

    private static readonly string[] Steps = ["SELECT {0}", "UID FETCH 1:* (UID FLAGS)", "FETCH 1:50 BODY.PEEK[]"];

    private static readonly string[] StepNames = ["select", "flags", "bodies"];

    public static async Task<Dictionary<string, double>> MeasureAsync(int messages, int owners, int mailboxesPerOwner, int seed)
    {
        var root = Directory.CreateTempSubdirectory("om-shared-").FullName;
        var sharers = Enumerable.Range(0, owners).Select(i => $"sharer{i}").ToList();
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), Readers.Concat(sharers).Select(u => $"{u}:{{PLAIN}}x::::::"));
        await using var app = await BenchHost.StartAsync(root, null);
        try
        {
            await MailboxFiller.FillAsync(app, "owner", MessageMix.Generate(200, seed), messages);
            await using (var owner = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, "owner"))
            {
                await owner.CommandAsync("SETACL INBOX reader lrs");
            }

            var figures = new Dictionary<string, double> { ["messages"] = messages };
            await using var own = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, "owner");
            await using var shared = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, "reader");
            var steps = Steps;
            var ownTimes = steps.Select(_ => new List<double>()).ToArray();
            var sharedTimes = steps.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < Rounds; round++)
            {
                await TimeStepsAsync(own, "INBOX", steps, ownTimes);
                await TimeStepsAsync(shared, "Shared/owner/INBOX", steps, sharedTimes);
            }

            for (var i = 0; i < steps.Length; i++)
            {
                var name = StepNames[i];
                figures[$"{name}_own_ms"] = Median(ownTimes[i]);
                figures[$"{name}_shared_ms"] = Median(sharedTimes[i]);
                figures[$"{name}_shared_over_own"] = Median(sharedTimes[i]) / Median(ownTimes[i]);
            }

            // LIST: a user with owners × mailboxesPerOwner mailboxes shared with it, against one who owns as many.
            foreach (var sharer in sharers)
            {
                await using var c = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, sharer);
                for (var m = 0; m < mailboxesPerOwner; m++)
                {
                    await c.CommandAsync($"CREATE Box{m}");
                    await c.CommandAsync($"SETACL Box{m} browser lr");
                }
            }

            await using (var lister = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, "lister"))
            {
                for (var m = 0; m < owners * mailboxesPerOwner; m++)
                {
                    await lister.CommandAsync($"CREATE Box{m}");
                }
            }

            await using var browser = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, "browser");
            await using var listing = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, "lister");
            var sharedList = new List<double>();
            var ownList = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                sharedList.Add(await TimeAsync(browser, "LIST \"\" \"*\""));
                ownList.Add(await TimeAsync(listing, "LIST \"\" \"*\""));
            }

            figures["list_mailboxes"] = owners * mailboxesPerOwner;
            figures["list_owners"] = owners;
            figures["list_listed_shared"] = (await CountAsync(browser, "LIST \"\" \"Shared/*\"")) - 1;
            figures["list_shared_ms"] = Median(sharedList);
            figures["list_own_ms"] = Median(ownList);
            figures["list_shared_over_own"] = Median(sharedList) / Median(ownList);
            return figures;
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task TimeStepsAsync(ImapFigures.ImapConnection c, string mailbox, string[] steps, List<double>[] times)
    {
        for (var i = 0; i < steps.Length; i++)
        {
            times[i].Add(await TimeAsync(c, string.Format(System.Globalization.CultureInfo.InvariantCulture, steps[i], mailbox)));
        }
    }

    private static async Task<double> TimeAsync(ImapFigures.ImapConnection c, string command)
    {
        var watch = Stopwatch.StartNew();
        await c.CommandAsync(command);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<int> CountAsync(ImapFigures.ImapConnection c, string command)
    {
        c.Kept.Clear();
        c.Keep = true;
        await c.CommandAsync(command);
        c.Keep = false;
        return c.Kept.Count(l => l.StartsWith("* LIST", StringComparison.Ordinal) && !l.Contains("\\NonExistent", StringComparison.Ordinal)) + 1;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
