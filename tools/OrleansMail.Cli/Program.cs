using System.CommandLine;
using OrleansMail.Cli;
using OrleansMail.Grains.Contracts;

// Exit codes a script can rely on: 0 done, 1 refused (exists / not found), 2 bad usage.
var passwdFile = new Option<string>("--passwd-file") { Description = "The Dovecot-format passwd-file", DefaultValueFactory = _ => Path.Combine("data", "users.passwd"), Recursive = true };
var name = new Argument<string>("user") { Description = "Login name (stored in lower case)" };
var password = new Option<string?>("--password") { Description = "The password; read from standard input when absent (keeps it out of the shell history)" };
var scheme = new Option<string>("--scheme") { Description = "ARGON2ID, SHA512-CRYPT or BLF-CRYPT", DefaultValueFactory = _ => "ARGON2ID" };

var add = new Command("add", "Add a user (fails if it exists)") { name, password, scheme };
add.SetAction(parse => UserCommands.Add(parse.GetValue(passwdFile)!, parse.GetValue(name)!, parse.GetValue(password), parse.GetValue(scheme)!, replace: false));
var passwd = new Command("passwd", "Set a user's password") { name, password, scheme };
passwd.SetAction(parse => UserCommands.Add(parse.GetValue(passwdFile)!, parse.GetValue(name)!, parse.GetValue(password), parse.GetValue(scheme)!, replace: true));
var del = new Command("del", "Remove a user from the passwd-file (the mail stays in the store)") { name };
del.SetAction(parse => UserCommands.Delete(parse.GetValue(passwdFile)!, parse.GetValue(name)!));
var list = new Command("list", "List users");
list.SetAction(parse => UserCommands.List(parse.GetValue(passwdFile)!));

var gateway = new Option<int>("--gateway-port") { Description = "Gateway port of a local silo", DefaultValueFactory = _ => 30000, Recursive = true };
var azure = new Option<string?>("--azure") { Description = "Azure Storage connection string of a cluster's membership table", Recursive = true };
var clusterId = new Option<string>("--cluster-id") { DefaultValueFactory = _ => "orleansmail", Recursive = true };
var serviceId = new Option<string>("--service-id") { DefaultValueFactory = _ => "orleansmail", Recursive = true };
var clusterCert = new Option<string?>("--cluster-cert") { Description = "The cluster certificate (PEM) of a cluster that uses TLS", Recursive = true };
var clusterKey = new Option<string?>("--cluster-key") { Description = "The cluster certificate's key (PEM)", Recursive = true };
ClusterTarget Target(ParseResult p) => new(p.GetValue(gateway), p.GetValue(azure), p.GetValue(clusterId)!, p.GetValue(serviceId)!, p.GetValue(clusterCert), p.GetValue(clusterKey));

// A grain activated for a name nobody has would leave a lease and a manifest behind: check the directory first.
int UnknownUser(ParseResult p, string who)
{
    var file = p.GetValue(passwdFile)!;
    if (!File.Exists(file) || UserCommands.Find(file, who) is not null)
    {
        return 0;
    }

    Console.Error.WriteLine($"no user '{who}' in {file}");
    return 1;
}

// The same mapping the server uses: "Alice@Example.org" and "alice" are one user.
string Canonical(ParseResult p, string who) => File.Exists(p.GetValue(passwdFile)!) ? UserCommands.Find(p.GetValue(passwdFile)!, who) ?? who.ToLowerInvariant() : who.ToLowerInvariant();

Command OnUser(string verb, string description, Func<IGrainFactory, string, Task<int>> action)
{
    var who = new Argument<string>("user");
    var command = new Command(verb, description) { who };
    command.SetAction(p => UnknownUser(p, p.GetValue(who)!) is var refused and not 0
        ? Task.FromResult(refused)
        : ClusterCommands.RunAsync(Target(p), g => action(g, Canonical(p, p.GetValue(who)!))));
    return command;
}

var show = OnUser("show", "Mailboxes, counts, sizes, last checkpoint, lease holder", ClusterCommands.ShowAsync);
var whoMove = new Argument<string>("user");
var toSilo = new Argument<string?>("silo") { Description = "The silo to move to (its address, endpoint or name, as `user show` prints it); another active one when absent", Arity = ArgumentArity.ZeroOrOne };
var move = new Command("move", "Move a user to another silo while its sessions stay connected (its index goes along, nothing is reloaded)") { whoMove, toSilo };
move.SetAction(p => UnknownUser(p, p.GetValue(whoMove)!) is var refused and not 0
    ? Task.FromResult(refused)
    : ClusterCommands.RunAsync(Target(p), g => ClusterCommands.MoveAsync(g, Canonical(p, p.GetValue(whoMove)!), p.GetValue(toSilo))));
var user = new Command("user", "Manage users") { add, passwd, del, list, show, move };

var mailboxList = OnUser("list", "List a user's mailboxes", async (g, u) =>
{
    foreach (var m in await g.GetGrain<IUserGrain>(u.ToLowerInvariant()).ListMailboxesAsync())
    {
        Console.WriteLine($"{m.Name}\t{m.Messages}");
    }

    return 0;
});
var boxName = new Argument<string>("mailbox");
var whoCreate = new Argument<string>("user");
var mailboxCreate = new Command("create", "Create a mailbox") { whoCreate, boxName };
mailboxCreate.SetAction(p => ClusterCommands.RunAsync(Target(p), async g =>
{
    await g.GetGrain<IUserGrain>(Canonical(p, p.GetValue(whoCreate)!)).CreateMailboxAsync(p.GetValue(boxName)!);
    return 0;
}));
var whoDelete = new Argument<string>("user");
var boxDelete = new Argument<string>("mailbox");
var mailboxDelete = new Command("delete", "Delete a mailbox and its messages") { whoDelete, boxDelete };
mailboxDelete.SetAction(p => ClusterCommands.RunAsync(Target(p), async g =>
{
    await g.GetGrain<IUserGrain>(Canonical(p, p.GetValue(whoDelete)!)).DeleteMailboxAsync(p.GetValue(boxDelete)!);
    return 0;
}));
var mailbox = new Command("mailbox", "Manage a user's mailboxes") { mailboxList, mailboxCreate, mailboxDelete };

var checkpoint = OnUser("checkpoint", "Upload the user's journal tail now", async (g, u) =>
{
    await g.GetGrain<IUserGrain>(u.ToLowerInvariant()).CheckpointAsync();
    Console.WriteLine("checkpointed");
    return 0;
});
var recover = OnUser("recover", "Index every stored body the index does not know (idempotent)", async (g, u) =>
{
    Console.WriteLine($"{await g.GetGrain<IUserGrain>(u.ToLowerInvariant()).RecoverNowAsync()} bodies indexed");
    return 0;
});
var reconcile = OnUser("reconcile", "Reactivate the user so diverged journals in the store are merged", async (g, u) =>
{
    var grain = g.GetGrain<IUserGrain>(u.ToLowerInvariant());
    await grain.DeactivateAsync();
    var stats = await grain.GetStatsAsync();
    Console.WriteLine($"reactivated on {stats.Silo}; {stats.Messages} messages");
    return 0;
});
var verify = OnUser("verify", "Compare index and stored bodies (reports, never deletes; exit 4 when something is off)", ClusterCommands.VerifyAsync);

var defaultRules = new Option<string[]>("--default-rule") { Description = "The server's OrleansMail:Accounts:QuotaRules, for users whose line sets none", AllowMultipleArgumentsPerToken = true };
var whoQuota = new Argument<string>("user");
var quotaGet = new Command("get", "A user's quota usage (from its index) against its limits (set by SETQUOTA, else from the passwd-file)") { whoQuota, defaultRules };
quotaGet.SetAction(p => UnknownUser(p, p.GetValue(whoQuota)!) is var refused and not 0
    ? Task.FromResult(refused)
    : ClusterCommands.RunAsync(Target(p), async g =>
    {
        var who = Canonical(p, p.GetValue(whoQuota)!);
        var usage = await g.GetGrain<IUserGrain>(who).GetQuotaUsageAsync();
        var limits = usage.Limits(UserCommands.Quota(p.GetValue(passwdFile)!, who, p.GetValue(defaultRules) ?? []));
        if (usage.Override is not null)
        {
            Console.WriteLine("limits set by SETQUOTA, in place of the passwd-file's (`quota reset` removes them)");
        }

        string Row(string resource, long used, long? limit) =>
            $"{resource,-10} {used,14} {(limit is { } l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-"),14} {(limit is { } m && m > 0 ? $"{used * 100 / m}%" : "-"),5}";
        Console.WriteLine($"{"resource",-10} {"value",14} {"limit",14} {"%",5}");
        Console.WriteLine(Row("STORAGE", usage.StorageBytes, limits?.StorageBytes));
        Console.WriteLine(Row("MESSAGE", usage.Messages, limits?.Messages));
        Console.WriteLine(Row("MAILBOX", usage.Mailboxes, limits?.Mailboxes));
        return 0;
    }));
var whoSetQuota = new Argument<string>("user");
var rules = new Argument<string[]>("rules") { Description = "Dovecot quota rules (*:storage=1G *:messages=10000); none removes the user's own", Arity = ArgumentArity.ZeroOrMore };
var quotaSet = new Command("set", "Write a user's quota rules into its passwd-file line (the server re-reads the file)") { whoSetQuota, rules };
quotaSet.SetAction(p => UserCommands.SetQuota(p.GetValue(passwdFile)!, p.GetValue(whoSetQuota)!, p.GetValue(rules) ?? []));
var quotaReset = OnUser("reset", "Remove the limits an administrator set with SETQUOTA: the passwd-file's rules hold again", async (g, u) =>
{
    await g.GetGrain<IUserGrain>(u).SetQuotaLimitsAsync(null);
    Console.WriteLine($"quota limits set for {u} removed");
    return 0;
});
var quotaRecalc = OnUser("recalc", "Count the usage again from the index's records (as doveadm quota recalc); exit 4 when the kept count was off", async (g, u) =>
{
    var counts = await g.GetGrain<IUserGrain>(u).RecountQuotaAsync();
    var (before, after) = (counts[0], counts[1]);
    Console.WriteLine($"MESSAGE {after.Messages} STORAGE {after.StorageBytes}" + (before == after ? "" : $" (was MESSAGE {before.Messages} STORAGE {before.StorageBytes})"));
    return before == after ? 0 : 4;
});
var quota = new Command("quota", "Quota usage and limits (RFC 9208 STORAGE in octets here, MESSAGE)") { quotaGet, quotaSet, quotaReset, quotaRecalc };

Command OnScript(string verb, string description, Func<IUserGrain, string, Task<int>> action)
{
    var who = new Argument<string>("user");
    var script = new Argument<string>("script");
    var command = new Command(verb, description) { who, script };
    command.SetAction(p => UnknownUser(p, p.GetValue(who)!) is var refused and not 0
        ? Task.FromResult(refused)
        : ClusterCommands.RunAsync(Target(p), g => action(g.GetGrain<IUserGrain>(Canonical(p, p.GetValue(who)!)), p.GetValue(script)!)));
    return command;
}

var sieveList = OnUser("list", "A user's Sieve scripts; the active one is marked", async (g, u) =>
{
    foreach (var s in await g.GetGrain<IUserGrain>(u).ListSieveScriptsAsync())
    {
        Console.WriteLine(s.Active ? $"{s.Name}\tactive" : s.Name);
    }

    return 0;
});
var sieveGet = OnScript("get", "Print a script", async (grain, name) =>
{
    Console.Write(await grain.GetSieveScriptAsync(name));
    return 0;
});
var sieveActivate = OnScript("activate", "Make a script the one deliveries run", async (grain, name) =>
{
    await grain.SetActiveSieveScriptAsync(name);
    Console.WriteLine($"{name} is active");
    return 0;
});
var sieveDeactivate = OnUser("deactivate", "Run no script at delivery", async (g, u) =>
{
    await g.GetGrain<IUserGrain>(u).SetActiveSieveScriptAsync(null);
    Console.WriteLine("no script is active");
    return 0;
});
var sieveDelete = OnScript("delete", "Delete a script (not the active one)", async (grain, name) =>
{
    await grain.DeleteSieveScriptAsync(name);
    Console.WriteLine($"{name} deleted");
    return 0;
});
var whoPut = new Argument<string>("user");
var putName = new Argument<string>("script");
var putFile = new Argument<FileInfo>("file") { Description = "The script's source (UTF-8)" };
var putActivate = new Option<bool>("--activate") { Description = "Also make it the active script" };
var sievePut = new Command("put", "Store a script (checked first: errors name the line and column)") { whoPut, putName, putFile, putActivate };
sievePut.SetAction(p => UnknownUser(p, p.GetValue(whoPut)!) is var refused and not 0
    ? Task.FromResult(refused)
    : ClusterCommands.RunAsync(Target(p), async g =>
    {
        var grain = g.GetGrain<IUserGrain>(Canonical(p, p.GetValue(whoPut)!));
        var name = p.GetValue(putName)!;
        await grain.PutSieveScriptAsync(name, await File.ReadAllTextAsync(p.GetValue(putFile)!.FullName));
        if (p.GetValue(putActivate))
        {
            await grain.SetActiveSieveScriptAsync(name);
        }

        Console.WriteLine(p.GetValue(putActivate) ? $"{name} stored and active" : $"{name} stored");
        return 0;
    }));
var checkFile = new Argument<FileInfo>("file");
var sieveCheck = new Command("check", "Compile a script here, without a cluster: exit 1 with the line and column of the first error") { checkFile };
sieveCheck.SetAction(p =>
{
    try
    {
        OrleansMail.Sieve.SieveScript.Compile(File.ReadAllText(p.GetValue(checkFile)!.FullName), new OrleansMail.Sieve.SieveLimits());
        Console.WriteLine("ok");
        return 0;
    }
    catch (OrleansMail.Sieve.SieveScriptException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
});
var sieve = new Command("sieve", "Manage a user's Sieve scripts (RFC 5228), run at delivery") { sieveList, sieveGet, sievePut, sieveActivate, sieveDeactivate, sieveDelete, sieveCheck };

var ftsStatus = OnUser("status", "The user's full-text index: messages indexed and waiting, size, where it was loaded from, what the store holds", async (g, u) =>
{
    PrintFullText(await g.GetGrain<IUserGrain>(u.ToLowerInvariant()).GetFullTextStatusAsync());
    return 0;
});
var ftsRebuild = OnUser("rebuild", "Drop the user's full-text index and fill it again from the stored messages (in the background; SEARCH reads messages meanwhile)", async (g, u) =>
{
    PrintFullText(await g.GetGrain<IUserGrain>(u.ToLowerInvariant()).RebuildFullTextAsync());
    return 0;
});
var fts = new Command("fts", "The full-text index SEARCH uses (OrleansMail:FullText)") { ftsStatus, ftsRebuild };

static void PrintFullText(FullTextStatus s)
{
    if (!s.Enabled)
    {
        Console.WriteLine("full-text index: off (OrleansMail:FullText:Enabled); SEARCH reads the messages");
        return;
    }

    Console.WriteLine($"indexed\t{s.Indexed}");
    Console.WriteLine($"waiting\t{s.Waiting}{(s.Filling ? " (being read from the store)" : "")}");
    Console.WriteLine($"bytes\t{s.Bytes}{(s.OverBudget ? " (over OrleansMail:FullText:MaxIndexBytesPerUser: new messages are not indexed)" : "")}");
    Console.WriteLine($"loaded\t{s.LoadedFrom}");
    Console.WriteLine($"uploaded\t{s.Published ?? "not yet"}");
}

var root = new RootCommand("OrleansMail administration (exit codes: 0 done, 1 refused, 2 bad usage, 3 cluster unreachable, 4 verify found problems)")
{
    user, mailbox, quota, sieve, fts, checkpoint, recover, reconcile, verify,
};
root.Options.Add(passwdFile);
root.Options.Add(gateway);
root.Options.Add(azure);
root.Options.Add(clusterId);
root.Options.Add(serviceId);
root.Options.Add(clusterCert);
root.Options.Add(clusterKey);
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("Try 'orleansmail --help'.");
    return 2;
}

return await parsed.InvokeAsync();
