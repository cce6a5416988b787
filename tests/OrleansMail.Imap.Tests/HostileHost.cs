using System.Diagnostics;
using System.Net;
using OrleansMail.Accounts.Passwords;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// The real silo host configured as an administrator would expose it, with short timeouts so the hostile-client
/// tests run in seconds: users with real password hashes (SHA512-CRYPT, Argon2id) besides plain ones.
/// </summary>
public sealed class HostileHost : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private TestMailHost _host = null!;

    public int ImapPort => _host.ImapPort;

    public int LmtpPort => _host.LmtpPort;

    public string DataPath => _folder.Path;

    public IGrainFactory Grains => _host.Grains;

    public const int MaxConcurrentChecks = 2;

    public const int PreLoginCommandSize = 8 * 1024;

    public async Task InitializeAsync()
    {
        var lines = new List<string>
        {
            $"alice:{PasswordSchemes.Create("secret", "SHA512-CRYPT")}::::::",
            $"bob:{PasswordSchemes.Create("secret", "SHA512-CRYPT")}::::::",
            $"argon:{PasswordSchemes.Create("secret")}::::::",
            $"dora:{PasswordSchemes.Create("secret")}::::::",
            $"erin:{PasswordSchemes.Create("secret")}::::::",
        };
        lines.AddRange(Enumerable.Range(0, 20).Select(i => $"user{i}:{{PLAIN}}secret::::::"));
        await File.WriteAllLinesAsync(Path.Combine(_folder.Path, "users.passwd"), lines);
        _host = await TestMailHost.StartAsync(
            _folder.Path,
            [
                "--OrleansMail:Imap:LoginTimeout=00:00:03",
                "--OrleansMail:Imap:AuthFailureDelay=00:00:00.100",
                "--OrleansMail:Imap:MaxUnauthenticatedPerAddress=30",
                "--OrleansMail:Imap:MaxFetchSections=32",
                "--OrleansMail:Imap:MaxAppendMessages=3",
                $"--OrleansMail:Accounts:PasswordChecks:MaxConcurrent={MaxConcurrentChecks}",
                "--OrleansMail:Accounts:PasswordChecks:PenaltyInitial=00:00:00.500",
                "--OrleansMail:Accounts:PasswordChecks:PenaltyMax=00:00:02",
                "--OrleansMail:Store:MaxKeywordsPerMailbox=10",
                "--OrleansMail:Store:MaxMailboxes=6",
                "--OrleansMail:Ingest:MaxMessageSize=2000000",
                "--OrleansMail:Imap:MaxUpdatedContexts=3",
                "--OrleansMail:Imap:MaxContextMessages=6",
                "--OrleansMail:Imap:MaxSortedContextMessages=4",
            ]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>A session from <paramref name="from"/> (another 127/8 address is another client, as far as limits go).</summary>
    public async Task<ImapTranscript> ConnectAsync(IPAddress? from = null)
    {
        var t = new ImapTranscript();
        await t.ConnectAsync(ImapPort, from);
        return t;
    }

    public async Task<ImapTranscript> LoginAsync(string user, IPAddress? from = null)
    {
        var t = await ConnectAsync(from);
        Assert.StartsWith("l OK", (await t.CommandAsync("l", $"LOGIN {user} secret"))[^1]);
        return t;
    }

    public Task<string> DeliverAsync(string user, string message) => LmtpDelivery.DeliverMessageAsync(LmtpPort, user + "@localhost", message);

    /// <summary>This process's resident memory, fresh.</summary>
    public static long ResidentBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>
    /// The peak growth of resident memory while <paramref name="attack"/> runs and for <paramref name="settle"/>
    /// after it, sampled every 20 ms from a collected baseline (garbage of earlier tests must not count).
    /// </summary>
    public static async Task<long> PeakGrowthAsync(Func<Task> attack, TimeSpan settle)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = ResidentBytes();
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ResidentBytes());
                await Task.Delay(20);
            }
        });
        await attack();
        await Task.Delay(settle);
        await stop.CancelAsync();
        await sampler;
        return peak - before;
    }

    /// <summary>This process's CPU time so far.</summary>
    public static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}

/// <summary>Runs alone, after the parallel collections: its tests measure this process's memory and CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileHostCollection : ICollectionFixture<HostileHost>
{
    public const string Name = "hostile-host";
}
