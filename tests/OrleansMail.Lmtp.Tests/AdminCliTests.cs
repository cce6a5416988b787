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
}
