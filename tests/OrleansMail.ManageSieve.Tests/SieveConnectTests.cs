using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.ManageSieve.Tests;

/// <summary>
/// Debian's sieve-connect, a ManageSieve client nobody here wrote, over STARTTLS: it uploads, activates, lists,
/// downloads and checks scripts, and the script it uploaded files the next delivery.
/// </summary>
public sealed class SieveConnectTests(ManageSieveHost host) : IClassFixture<ManageSieveHost>
{
    private const string Filter = """
        require ["fileinto", "mailbox", "imap4flags"];
        if header :contains "subject" "[dev]" {
            fileinto :create :flags "\\Flagged" "Lists/Dev";
            stop;
        }

        """;

    [Fact]
    public async Task Sieve_connect_manages_scripts_over_STARTTLS_and_the_active_one_files_the_next_delivery()
    {
        var user = host.NewUser();
        using var folder = new TempFolder();
        var local = Path.Combine(folder.Path, "filter.sieve");
        await File.WriteAllTextAsync(local, Filter);

        var upload = await RunAsync(user, "--upload", "--localsieve", local, "--remotesieve", "lists");
        Assert.True(upload.ExitCode == 0, upload.Output);
        var activate = await RunAsync(user, "--activate", "--remotesieve", "lists");
        Assert.True(activate.ExitCode == 0, activate.Output);
        var list = await RunAsync(user, "--list");
        Assert.Contains("\"lists\" ACTIVE", list.Output);

        var downloaded = Path.Combine(folder.Path, "back.sieve");
        var download = await RunAsync(user, "--download", "--remotesieve", "lists", "--localsieve", downloaded);
        Assert.True(download.ExitCode == 0, download.Output);
        Assert.Equal(Filter.ReplaceLineEndings("\r\n"), (await File.ReadAllTextAsync(downloaded)).ReplaceLineEndings("\r\n"));

        var bad = Path.Combine(folder.Path, "bad.sieve");
        await File.WriteAllTextAsync(bad, "if true { fileinto \"x\"; }\n");
        var check = await RunAsync(user, "--checkscript", "--localsieve", bad);
        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains("fileinto", check.Output);

        var reply = await LmtpDelivery.DeliverMessageAsync(host.LmtpPort, $"{user}@example.org", "From: list@example.net\r\nSubject: [dev] release\r\n\r\nbody\r\n");
        Assert.StartsWith("250", reply, StringComparison.Ordinal);

        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", host.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, "secret");
        var dev = await imap.GetFolderAsync("Lists/Dev");
        await dev.OpenAsync(FolderAccess.ReadOnly);
        var summary = Assert.Single(await dev.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.Envelope));
        Assert.Equal("[dev] release", summary.Envelope?.Subject);
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Flagged));
    }

    /// <summary>Runs sieve-connect against the host as the user, the password on standard input, TLS not verified (a test certificate).</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(string user, params string[] action)
    {
        var psi = new ProcessStartInfo("sieve-connect") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-s", "127.0.0.1", "-p", host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", user, "--passwordfd", "0", "--notlsverify" }.Concat(action))
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteLineAsync("secret");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
