using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// Debian's mbsync (isync) keeping a local Maildir copy of one account, as a user's laptop does: it syncs by UID
/// (UIDVALIDITY, UIDNEXT and the UIDs it saw), without CONDSTORE or QRESYNC.
/// </summary>
internal sealed partial class MbsyncMirror(string folder, string user, string password)
{
    private string Maildir => Path.Combine(folder, "Mail");

    /// <summary>Two-way sync of every mailbox with the server on <paramref name="port"/>; expunges propagate.</summary>
    public async Task SyncAsync(int port)
    {
        Directory.CreateDirectory(Maildir);
        var config = Path.Combine(folder, "mbsyncrc");
        await File.WriteAllTextAsync(config, $"""
            IMAPAccount server
            Host 127.0.0.1
            Port {port}
            User {user}
            Pass {password}
            SSLType None
            AuthMechs LOGIN

            IMAPStore remote
            Account server

            MaildirStore local
            Path {Maildir}/
            Inbox {Maildir}/INBOX
            SubFolders Verbatim

            Channel mirror
            Far :remote:
            Near :local:
            Patterns *
            Create Near
            Expunge Both
            Sync All
            SyncState *

            """);
        var psi = new ProcessStartInfo("mbsync") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-V", "-c", config, "-a" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"mbsync failed ({process.ExitCode}): {await stdout} {await stderr}");
    }

    /// <summary>Each local mailbox and the Message-ID local parts of the messages in it, sorted.</summary>
    public Dictionary<string, List<string>> Contents()
    {
        var contents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var box in Directory.EnumerateDirectories(Maildir, "*", SearchOption.AllDirectories).Where(d => Directory.Exists(Path.Combine(d, "cur"))))
        {
            var ids = new List<string>();
            foreach (var sub in new[] { "cur", "new" })
            {
                foreach (var file in Directory.EnumerateFiles(Path.Combine(box, sub)))
                {
                    // Trashed locally ("T" in the Maildir info) but not yet expunged is not in the user's copy.
                    if (Path.GetFileName(file).Split(":2,") is [_, var info] && info.Contains('T', StringComparison.Ordinal))
                    {
                        continue;
                    }

                    ids.Add(MessageIdPattern().Match(File.ReadAllText(file)).Groups[1].Value);
                }
            }

            contents[Path.GetRelativePath(Maildir, box)] = [.. ids.Order(StringComparer.Ordinal)];
        }

        return contents;
    }

    [GeneratedRegex(@"^Message-ID: <([^@>]+)@", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex MessageIdPattern();
}
