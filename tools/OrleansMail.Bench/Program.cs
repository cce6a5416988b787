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
var imapClients = new Option<int>("--clients") { Description = "IMAP clients of the mixed profile", DefaultValueFactory = _ => 10 };
var imapMixed = new Option<int>("--mixed") { Description = "Operations of the mixed IMAP client profile (0: skip)", DefaultValueFactory = _ => 2000 };
var imap = new Command("imap", "SELECT + UID FETCH 1:* (UID FLAGS) of a large mailbox, FETCH of many bodies with prefetch vs one at a time, the mixed client profile, memory per session")
{
    mailbox, bodies, sessions, imapClients, imapMixed, azure, latency, seed, output,
};
imap.SetAction(async (parse, cancellationToken) =>
{
    var figures = await ImapFigures.MeasureAsync(parse.GetValue(mailbox), parse.GetValue(bodies), parse.GetValue(sessions), parse.GetValue(azure), TimeSpan.FromMilliseconds(parse.GetValue(latency)), parse.GetValue(seed), parse.GetValue(imapClients), parse.GetValue(imapMixed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var sortMessages = new Option<int>("--messages") { Description = "Messages in the large mailbox (the small one has a tenth)", DefaultValueFactory = _ => 100_000 };
var sort = new Command("sort", "SORT and THREAD on a large mailbox and on one a tenth its size, against SEARCH ALL on the same mailbox")
{
    sortMessages, seed, output,
};
sort.SetAction(async (parse, cancellationToken) =>
{
    var figures = await SortFigures.MeasureAsync(parse.GetValue(sortMessages), parse.GetValue(seed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var selectSizes = new Option<string>("--sizes") { Description = "Mailbox sizes, comma-separated", DefaultValueFactory = _ => "10000,100000,1000000" };
var select = new Command("select", "SELECT + UID FETCH 1:* (UID FLAGS) through the real silo host, warm and after a deactivation, activation and session memory, at several mailbox sizes")
{
    selectSizes, seed, output,
};
select.SetAction(async (parse, cancellationToken) =>
{
    var figures = await Sweeps.OverAsync(
        Sweeps.Parse(parse.GetValue(selectSizes)!),
        "m",
        m => SelectFigures.MeasureAsync(m, parse.GetValue(seed)),
        "select_fetch_flags_warm_ms", "select_fetch_flags_cold_ms", "activation_ms", "session_bytes_per_message");
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var compressMessages = new Option<int>("--messages") { Description = "Messages of the mix fetched whole", DefaultValueFactory = _ => 500 };
var compress = new Command("compress", "Bytes on the wire of a FETCH of every whole body, with and without COMPRESS=DEFLATE")
{
    compressMessages, seed, output,
};
compress.SetAction(async (parse, cancellationToken) =>
{
    var figures = await CompressFigures.MeasureAsync(parse.GetValue(compressMessages), parse.GetValue(seed));
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

var clients = new Option<int>("--clients") { Description = "IMAP clients for the APPEND, FETCH and mixed workloads", DefaultValueFactory = _ => 10 };
var mixed = new Option<int>("--mixed") { Description = "Operations of the mixed IMAP client profile (0: skip)", DefaultValueFactory = _ => 2000 };
var crowd = new Option<int>("--crowd") { Description = "Clients of a second mixed-profile pass (0: skip)", DefaultValueFactory = _ => 50 };
var rounds = new Option<int>("--rounds") { Description = "Rounds, each starting every server afresh", DefaultValueFactory = _ => 3 };
var warmUps = new Option<int>("--warm-up-passes") { Description = "Whole passes before the measured one (the first is reported as the cold figure)", DefaultValueFactory = _ => 2 };
var servers = new Option<string>("--servers") { Description = "Servers measured, comma-separated: dovecot (mdbox, tuned), dovecot_maildir, orleansmail", DefaultValueFactory = _ => "dovecot,dovecot_maildir,orleansmail" };
var siloDll = new Option<string?>("--silo") { Description = "The silo host's dll; default: the repository's Release build" };
var comparedUsers = new Option<int>("--users") { Description = "Users the mail and the clients are spread over", DefaultValueFactory = _ => 100 };
var dovecot = new Command("dovecot", "OrleansMail's silo host next to Debian's Dovecot (tuned and default), each its own process, the load generator in this one: LMTP, APPEND, FETCH, logins, mixed IMAP; medians of rounds")
{
    count, connections, clients, crowd, comparedUsers, mixed, seed, rounds, warmUps, servers, siloDll, output,
};
dovecot.SetAction(async (parse, cancellationToken) =>
{
    var settings = new DovecotComparison.Settings(
        parse.GetValue(count), parse.GetValue(connections), parse.GetValue(clients), parse.GetValue(crowd), parse.GetValue(comparedUsers),
        parse.GetValue(mixed), parse.GetValue(seed), parse.GetValue(rounds), Math.Max(1, parse.GetValue(warmUps)),
        parse.GetValue(servers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(), parse.GetValue(siloDll));
    var figures = await DovecotComparison.MeasureAsync(settings);
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var host = new Option<string>("--host") { Description = "The server's address", DefaultValueFactory = _ => "127.0.0.1" };
var lmtpPort = new Option<int>("--lmtp-port") { Description = "The server's LMTP port", DefaultValueFactory = _ => 2424 };
var imapPort = new Option<int>("--imap-port") { Description = "The server's IMAP port", DefaultValueFactory = _ => 1143 };
var userPrefix = new Option<string>("--user-prefix") { Description = "Users are PREFIX0 .. PREFIX{users-1}", DefaultValueFactory = _ => "user" };
var password = new Option<string>("--password") { Description = "Every user's password", DefaultValueFactory = _ => "x" };
var domain = new Option<string>("--domain") { Description = "Recipient domain for LMTP", DefaultValueFactory = _ => "example.org" };
var serverName = new Option<string>("--name") { Description = "Label of the server in the figures", DefaultValueFactory = _ => "server" };
var workloads = new Option<string>("--workloads") { Description = "Workloads run, comma-separated: " + string.Join(", ", ClientWorkloads.Workloads), DefaultValueFactory = _ => string.Join(',', ClientWorkloads.Workloads) };
var remote = new Command("remote", "The LMTP, APPEND, FETCH and mixed IMAP workloads against any running server (its host, ports and credentials)")
{
    host, lmtpPort, imapPort, userPrefix, users, password, domain, serverName, count, connections, clients, mixed, workloads, seed, output,
};
remote.SetAction(async (parse, cancellationToken) =>
{
    var server = new MailServer(parse.GetValue(serverName)!, parse.GetValue(host)!, parse.GetValue(lmtpPort), parse.GetValue(imapPort), parse.GetValue(userPrefix)!, parse.GetValue(users), parse.GetValue(password)!, parse.GetValue(domain)!);
    var messages = MessageMix.Generate(parse.GetValue(count), parse.GetValue(seed));
    var figures = new Dictionary<string, double> { ["messages"] = messages.Count, ["average_message_bytes"] = messages.Average(m => (double)m.Length) };
    var only = parse.GetValue(workloads)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
    await ClientWorkloads.RunAsync(server, messages, parse.GetValue(connections), parse.GetValue(clients), parse.GetValue(mixed), figures, only);
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var soakMinutes = new Option<double>("--minutes") { Description = "How long the load runs", DefaultValueFactory = _ => 30 };
var sampleSeconds = new Option<int>("--sample-seconds") { Description = "How often the server's memory is sampled", DefaultValueFactory = _ => 10 };
var pid = new Option<int?>("--pid") { Description = "The server's process id, for its resident set from /proc" };
var httpPort = new Option<int?>("--http-port") { Description = "The server's operator port, for GC heap, caches, users and sessions from /metrics" };
var svg = new Option<string>("--svg") { Description = "Where the plot goes", DefaultValueFactory = _ => "soak.svg" };
var soak = new Command("soak", "Mixed IMAP and LMTP load on a running server for a long while, its memory sampled as it goes: a table and an SVG plot")
{
    host, lmtpPort, imapPort, userPrefix, users, password, domain, serverName, soakMinutes, sampleSeconds, pid, httpPort, clients, connections, seed, svg, output,
};
soak.SetAction(async (parse, cancellationToken) =>
{
    var server = new MailServer(parse.GetValue(serverName)!, parse.GetValue(host)!, parse.GetValue(lmtpPort), parse.GetValue(imapPort), parse.GetValue(userPrefix)!, parse.GetValue(users), parse.GetValue(password)!, parse.GetValue(domain)!);
    var figures = await SoakFigures.MeasureAsync(server, TimeSpan.FromMinutes(parse.GetValue(soakMinutes)), TimeSpan.FromSeconds(parse.GetValue(sampleSeconds)), parse.GetValue(pid), parse.GetValue(httpPort), parse.GetValue(clients), parse.GetValue(connections), parse.GetValue(seed), parse.GetValue(svg)!);
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var sizes = new Option<string>("--sizes") { Description = "Mailbox sizes to measure at, comma-separated" };
var open = new Command("open", "Cold activation (from the store), warm activation (local cache) and the records SELECT loads, at several mailbox sizes")
{
    sizes, azure, latency, output,
};
open.SetAction(async (parse, cancellationToken) =>
{
    var figures = await Sweeps.OverAsync(
        Sweeps.Parse(parse.GetValue(sizes) ?? "10000,100000"),
        "m",
        m => GrainFigures.MeasureAsync(m, 10, parse.GetValue(azure), TimeSpan.FromMilliseconds(parse.GetValue(latency))),
        "activation_local_ms", "activation_store_ms", "select_records_ms", "select_columns_ms");
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var checkpoint = new Command("checkpoint", "Bytes and time of a checkpoint after K changes at several mailbox sizes: must stay flat in the size")
{
    sizes, changes, azure, latency, output,
};
checkpoint.SetAction(async (parse, cancellationToken) =>
{
    var figures = await Sweeps.OverAsync(
        Sweeps.Parse(parse.GetValue(sizes) ?? "10000,50000,100000,200000"),
        "m",
        m => GrainFigures.MeasureAsync(m, parse.GetValue(changes), parse.GetValue(azure), TimeSpan.FromMilliseconds(parse.GetValue(latency))),
        "checkpoint_bytes", "checkpoint_ms");
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var historyCheckpoints = new Option<int>("--checkpoints") { Description = "Checkpoints of the long-lived user", DefaultValueFactory = _ => 1000 };
var historyMailbox = new Option<int>("--mailbox") { Description = "Messages the user keeps (older ones are expunged)", DefaultValueFactory = _ => 200 };
var history = new Command("history", "Index objects a long-lived user's checkpoints wrote against those the store holds at the end (history GC)")
{
    historyCheckpoints, historyMailbox, output,
};
history.SetAction(async (parse, cancellationToken) =>
{
    var figures = await HistoryFigures.MeasureAsync(parse.GetValue(historyCheckpoints), parse.GetValue(historyMailbox));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var sharedMessages = new Option<int>("--messages") { Description = "Messages in the shared mailbox", DefaultValueFactory = _ => 10_000 };
var sharedOwners = new Option<int>("--owners") { Description = "Users who share mailboxes with the listing user", DefaultValueFactory = _ => 20 };
var sharedPerOwner = new Option<int>("--per-owner") { Description = "Mailboxes each of them shares", DefaultValueFactory = _ => 5 };
var sieveCount = new Option<int>("--count") { Description = "Messages per LMTP pass", DefaultValueFactory = _ => 1000 };
var sieveConnections = new Option<int>("--connections") { Description = "Concurrent LMTP connections", DefaultValueFactory = _ => 4 };
var sieveCommand = new Command("sieve", "LMTP deliveries with a 20-rule Sieve script against none, in alternating passes; compile time of a 1,000-rule script")
{
    sieveCount, sieveConnections, seed, output,
};
sieveCommand.SetAction(async (parse, cancellationToken) =>
{
    var figures = await SieveFigures.MeasureAsync(parse.GetValue(sieveCount), parse.GetValue(sieveConnections), parse.GetValue(seed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});
var ftsMessages = new Option<int>("--messages") { Description = "Messages in the searched mailbox", DefaultValueFactory = _ => 100_000 };
var ftsIngest = new Option<int>("--ingest") { Description = "Messages per LMTP pass of the ingest figure", DefaultValueFactory = _ => 2000 };
var ftsLatency = new Option<double>("--latency-ms") { Description = "Store latency injected for the second set of searches", DefaultValueFactory = _ => 20 };
var ftsCommand = new Command("fts", "SEARCH BODY/TEXT answered by the full-text index against reading every message, at 0 and injected store latency; LMTP ingest with the index against without; index bytes per message")
{
    ftsMessages, ftsIngest, sieveConnections, ftsLatency, seed, output,
};
ftsCommand.SetAction(async (parse, cancellationToken) =>
{
    var figures = await FullTextFigures.MeasureAsync(parse.GetValue(ftsMessages), parse.GetValue(ftsIngest), parse.GetValue(sieveConnections), parse.GetValue(seed), parse.GetValue(ftsLatency));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});
var sharedCommand = new Command("shared", "SELECT, flags and bodies of a shared mailbox against the owner's own access, and LIST of many shared mailboxes against as many own ones")
{
    sharedMessages, sharedOwners, sharedPerOwner, seed, output,
};
sharedCommand.SetAction(async (parse, cancellationToken) =>
{
    var figures = await SharedFigures.MeasureAsync(parse.GetValue(sharedMessages), parse.GetValue(sharedOwners), parse.GetValue(sharedPerOwner), parse.GetValue(seed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var latencies = new Option<string>("--latencies") { Description = "Object-store latencies in ms, comma-separated", DefaultValueFactory = _ => "0,20,100" };
var latencyCommand = new Command("latency", "The lmtp and imap workloads with injected object-store latency, next to 0 ms in the same run")
{
    latencies, count, connections, users, mailbox, bodies, imapClients, imapMixed, azure, seed, output,
};
latencyCommand.SetAction(async (parse, cancellationToken) =>
{
    var figures = await Sweeps.OverAsync(
        Sweeps.Parse(parse.GetValue(latencies)!),
        "latency",
        async ms =>
        {
            var lmtpFigures = await LmtpFigures.MeasureAsync(parse.GetValue(count), parse.GetValue(connections), parse.GetValue(users), parse.GetValue(azure), parse.GetValue(seed), TimeSpan.FromMilliseconds(ms));
            var imapFigures = await ImapFigures.MeasureAsync(parse.GetValue(mailbox), parse.GetValue(bodies), 0, parse.GetValue(azure), TimeSpan.FromMilliseconds(ms), parse.GetValue(seed), parse.GetValue(imapClients), parse.GetValue(imapMixed));
            return lmtpFigures.Concat(imapFigures.Where(f => !lmtpFigures.ContainsKey(f.Key))).ToDictionary();
        },
        "lmtp_messages_per_s", "raw_store_messages_per_s", "lmtp_over_raw_store", "select_fetch_flags_cold_ms", "fetch_bodies_prefetch_ms", "fetch_bodies_one_at_a_time_ms", "orleansmail_imap_mixed_ops_per_s");
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var idleSeconds = new Option<int>("--idle-seconds") { Description = "How long the idle IDLE client is watched (scaled to an hour)", DefaultValueFactory = _ => 120 };
var priceWrite = new Option<double>("--price-write") { Description = "USD per 10,000 write operations (Azure Blob, Hot, LRS)", DefaultValueFactory = _ => 0.065 };
var priceRead = new Option<double>("--price-read") { Description = "USD per 10,000 read operations (Azure Blob, Hot, LRS)", DefaultValueFactory = _ => 0.005 };
var priceList = new Option<double>("--price-list") { Description = "USD per 10,000 list operations (Azure Blob, Hot, LRS)", DefaultValueFactory = _ => 0.065 };
var deliveriesPerDay = new Option<int>("--deliveries-per-day") { Description = "Deliveries per user and day in the cost model", DefaultValueFactory = _ => 50 };
var sessionsPerDay = new Option<int>("--sessions-per-day") { Description = "IMAP sessions per user and day in the cost model, besides the always-on IDLE client", DefaultValueFactory = _ => 20 };
var bill = new Command("bill", "Object-store operations per delivery, session, checkpoint and idle hour, and their cost per user-month, with the idle-lease renewals of before and as shipped")
{
    idleSeconds, priceWrite, priceRead, priceList, deliveriesPerDay, sessionsPerDay, output,
};
bill.SetAction(async (parse, cancellationToken) =>
{
    var prices = new BillFigures.Prices(parse.GetValue(priceWrite), parse.GetValue(priceRead), parse.GetValue(priceList));
    var figures = await BillFigures.MeasureAsync(parse.GetValue(idleSeconds), prices, parse.GetValue(deliveriesPerDay), parse.GetValue(sessionsPerDay));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var footprintUsers = new Option<int>("--users") { Description = "Users activated at each mailbox size", DefaultValueFactory = _ => 20 };
var smallMailbox = new Option<int>("--small") { Description = "Messages of the smaller mailboxes", DefaultValueFactory = _ => 20 };
var largeMailbox = new Option<int>("--large") { Description = "Messages of the larger mailboxes", DefaultValueFactory = _ => 10_000 };
var idleSessions = new Option<int>("--sessions") { Description = "Idle connections opened, before login and logged in with INBOX selected (0: skip)", DefaultValueFactory = _ => 500 };
var footprint = new Command("footprint", "Managed memory per active user at two mailbox sizes (all users deactivated as the baseline), per idle connection and per idle selected session")
{
    footprintUsers, smallMailbox, largeMailbox, idleSessions, seed, output,
};
footprint.SetAction(async (parse, cancellationToken) =>
{
    var figures = await FootprintFigures.MeasureAsync(parse.GetValue(footprintUsers), parse.GetValue(smallMailbox), parse.GetValue(largeMailbox), parse.GetValue(idleSessions), parse.GetValue(seed));
    return await Report.WriteAsync(figures, parse.GetValue(output), cancellationToken);
});

var root = new RootCommand("OrleansMail benchmarks: each figure with its baseline from the same run")
{
    core, lmtp, imap, select, qresync, sort, compress, dovecot, remote, soak, footprint, open, checkpoint, latencyCommand, bill, history, sharedCommand, sieveCommand, ftsCommand,
};
return await root.Parse(args).InvokeAsync();
