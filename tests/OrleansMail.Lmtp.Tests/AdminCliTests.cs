using System.Diagnostics;
using Xunit;

namespace OrleansMail.Lmtp.Tests;

/// <summary>The admin CLI as a script would run it: a separate process, exit codes and output, against the running host.</summary>
[Collection(LmtpHostCollection.Name)]
public sealed class AdminCliTests(LmtpHost host)
{
    private async Task<(int Code, string Output)> RunAsync(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Testing.BuildOutput.Of("tools/OrleansMail.Cli", "orleansmail.dll"));
        foreach (var a in args.Concat(["--passwd-file", host.PasswdFile, "--gateway-port", host.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Users_are_managed_and_inspected_with_exit_codes_a_script_can_rely_on()
    {
        var name = "cli" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await RunAsync("pa55word", "user", "add", name.ToUpperInvariant())).Code);
        Assert.Equal(1, (await RunAsync("x", "user", "add", name)).Code);
        var list = await RunAsync(null, "user", "list");
        Assert.Contains($"{name}\tARGON2ID", list.Output, StringComparison.Ordinal);

        var created = await RunAsync(null, "mailbox", "create", name, "Projects/2027");
        Assert.True(created.Code == 0, created.Output);
        Assert.Equal(1, (await RunAsync(null, "mailbox", "create", name, "Projects")).Code);
        var show = await RunAsync(null, "user", "show", name + "@example.org");
        Assert.Equal(0, show.Code);
        Assert.Contains("Projects/2027", show.Output, StringComparison.Ordinal);
        var verify = await RunAsync(null, "verify", name);
        Assert.Equal(0, verify.Code);
        Assert.Contains("missing bodies (indexed, not stored): 0", verify.Output, StringComparison.Ordinal);

        Assert.Equal(1, (await RunAsync(null, "user", "show", "nobody-" + name)).Code);
        Assert.Equal(2, (await RunAsync(null, "user", "frob")).Code);
        Assert.Equal(0, (await RunAsync(null, "user", "del", name)).Code);
        Assert.Equal(1, (await RunAsync(null, "user", "del", name)).Code);
    }

    [Fact]
    public async Task Quota_rules_are_set_in_the_passwd_file_kept_across_a_password_change_and_shown_against_usage()
    {
        var name = "quota" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await RunAsync("pa55word", "user", "add", name)).Code);
        var set = await RunAsync(null, "quota", "set", name, "*:storage=1M", "*:messages=2");
        Assert.True(set.Code == 0, set.Output);
        Assert.Equal(2, (await RunAsync(null, "quota", "set", name, "Trash:storage=+1M")).Code);
        Assert.Equal(1, (await RunAsync(null, "quota", "set", "nobody-" + name, "*:messages=1")).Code);
        Assert.Equal(0, (await RunAsync("n3wpa55", "user", "passwd", name)).Code);
        Assert.Contains($"userdb_quota_rule=*:storage=1M userdb_quota_rule2=*:messages=2", File.ReadAllText(host.PasswdFile), StringComparison.Ordinal);

        Assert.StartsWith("250 2.0.0", await Testing.LmtpDelivery.DeliverMessageAsync(host.Port, $"{name}@example.org", "Subject: one\r\n\r\nbody\r\n"), StringComparison.Ordinal);
        var get = await RunAsync(null, "quota", "get", name);
        Assert.True(get.Code == 0, get.Output);
        Assert.Matches(@"MESSAGE\s+1\s+2\s+50%", get.Output);
        Assert.Matches(@"STORAGE\s+\d+\s+1048576\s+0%", get.Output);

        // The usage counted again from the records agrees with the kept count; a reset with no SETQUOTA limits changes nothing.
        var recalc = await RunAsync(null, "quota", "recalc", name);
        Assert.True(recalc.Code == 0, recalc.Output);
        Assert.Matches(@"^MESSAGE 1 STORAGE \d+\s*$", recalc.Output);
        Assert.Equal(0, (await RunAsync(null, "quota", "reset", name)).Code);
        Assert.Matches(@"MESSAGE\s+1\s+2\s+50%", (await RunAsync(null, "quota", "get", name)).Output);

        Assert.Equal(0, (await RunAsync(null, "quota", "set", name)).Code);
        Assert.DoesNotContain("quota_rule", File.ReadAllLines(host.PasswdFile).Single(l => l.StartsWith(name + ":", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync(null, "user", "del", name)).Code);
    }
}
