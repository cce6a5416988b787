using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OrleansMail.Bench;

var messages = new Option<int>("--messages") { Description = "Messages in the measured user", DefaultValueFactory = _ => 100_000 };
var changes = new Option<int>("--changes") { Description = "Flag changes before the measured checkpoint", DefaultValueFactory = _ => 10 };
var azure = new Option<string?>("--azure") { Description = "Azure Storage connection string (Azurite works); default: the file-system store" };
var latency = new Option<int>("--latency-ms") { Description = "Latency injected into every object-store call while measuring", DefaultValueFactory = _ => 0 };
var output = new Option<string?>("--json") { Description = "Also write the figures to this JSON file" };

var core = new Command("core", "Index memory and snapshot size, checkpoint bytes after a few changes, activation from cache vs store")
{
    messages, changes, azure, latency, output,
};
core.SetAction(async (parse, cancellationToken) =>
{
    var n = parse.GetValue(messages);
    var figures = new Dictionary<string, Dictionary<string, double>>
    {
        ["index"] = IndexFigures.Measure(n),
        ["grain"] = await GrainFigures.MeasureAsync(n, parse.GetValue(changes), parse.GetValue(azure), TimeSpan.FromMilliseconds(parse.GetValue(latency))),
    };
    foreach (var (group, values) in figures)
    {
        Console.WriteLine(group);
        foreach (var (name, value) in values)
        {
            Console.WriteLine($"  {name,-30} {value.ToString("0.##", CultureInfo.InvariantCulture),14}");
        }
    }

    if (parse.GetValue(output) is { } path)
    {
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
    }

    return 0;
});

var count = new Option<int>("--count") { Description = "Messages to deliver", DefaultValueFactory = _ => 2000 };
var connections = new Option<int>("--connections") { Description = "Concurrent LMTP connections (and concurrent raw writes)", DefaultValueFactory = _ => 4 };
var users = new Option<int>("--users") { Description = "Recipients the messages are spread over", DefaultValueFactory = _ => 10 };
var seed = new Option<int>("--seed") { Description = "Seed of the message mix", DefaultValueFactory = _ => 1 };
var lmtp = new Command("lmtp", "LMTP delivery rate of the real host next to the raw object-store write rate of the same bodies")
{
    count, connections, users, seed, azure, output,
};
lmtp.SetAction(async (parse, cancellationToken) =>
{
    var figures = await LmtpFigures.MeasureAsync(parse.GetValue(count), parse.GetValue(connections), parse.GetValue(users), parse.GetValue(azure), parse.GetValue(seed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var mailbox = new Option<int>("--mailbox") { Description = "Messages in the mailbox that is selected and listed", DefaultValueFactory = _ => 10_000 };
var bodies = new Option<int>("--bodies") { Description = "Bodies fetched with prefetch and one at a time", DefaultValueFactory = _ => 100 };
var sessions = new Option<int>("--sessions") { Description = "Idle selected sessions opened to measure memory per session (0: skip)", DefaultValueFactory = _ => 1000 };
var imap = new Command("imap", "SELECT + UID FETCH 1:* (UID FLAGS) of a large mailbox, FETCH of many bodies with prefetch vs one at a time, memory per session")
{
    mailbox, bodies, sessions, azure, latency, seed, output,
};
imap.SetAction(async (parse, cancellationToken) =>
{
    var figures = await ImapFigures.MeasureAsync(parse.GetValue(mailbox), parse.GetValue(bodies), parse.GetValue(sessions), parse.GetValue(azure), TimeSpan.FromMilliseconds(parse.GetValue(latency)), parse.GetValue(seed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var qresyncMessages = new Option<int>("--messages") { Description = "Messages in the mailbox", DefaultValueFactory = _ => 100_000 };
var qresyncChanges = new Option<int>("--changes") { Description = "Flag changes made by another client before the resync", DefaultValueFactory = _ => 10 };
var qresync = new Command("qresync", "Bytes and time of a QRESYNC resync after a few changes against a full flag listing")
{
    qresyncMessages, qresyncChanges, seed, output,
};
qresync.SetAction(async (parse, cancellationToken) =>
{
    var figures = await QresyncFigures.MeasureAsync(parse.GetValue(qresyncMessages), parse.GetValue(qresyncChanges), parse.GetValue(seed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var clients = new Option<int>("--clients") { Description = "IMAP clients for the APPEND and FETCH workloads", DefaultValueFactory = _ => 10 };
var dovecot = new Command("dovecot", "OrleansMail next to Debian's Dovecot on this machine, same messages and client code: LMTP, APPEND, FETCH")
{
    count, connections, clients, users, seed, output,
};
dovecot.SetAction(async (parse, cancellationToken) =>
{
    var figures = await DovecotComparison.MeasureAsync(parse.GetValue(count), parse.GetValue(connections), parse.GetValue(clients), parse.GetValue(users), parse.GetValue(seed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var root = new RootCommand("OrleansMail benchmarks: each figure with its baseline from the same run") { core, lmtp, imap, qresync, dovecot };
return await root.Parse(args).InvokeAsync();
