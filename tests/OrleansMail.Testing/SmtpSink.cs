using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansMail.Testing;

/// <summary>
/// A real SMTP server to relay to: Debian's aiosmtpd (python3-aiosmtpd) with its Maildir handler, on a free
/// loopback port, writing what it receives into a folder of the test's. It can be stopped and started again on the
/// same port, for relay-outage tests. aiosmtpd records the envelope in X-MailFrom and X-RcptTo fields.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TempFolder _folder = new("om-smtp-");
    private Process? _process;

    public int Port { get; } = LoopbackPorts.Free();

    /// <summary>The messages received so far, oldest first, as raw text.</summary>
    public IReadOnlyList<string> Messages()
    {
        var received = Path.Combine(_folder.Path, "maildir", "new");
        return Directory.Exists(received)
            ? [.. new DirectoryInfo(received).GetFiles().OrderBy(f => f.CreationTimeUtc).ThenBy(f => f.Name).Select(f => File.ReadAllText(f.FullName))]
            : [];
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived; fails after the timeout.</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (Messages().Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the SMTP sink has {Messages().Count} messages, not {count}");
            }

            await Task.Delay(100);
        }

        return Messages();
    }

    public async Task StartAsync()
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var psi = new ProcessStartInfo(python) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox", "-l", $"127.0.0.1:{Port}", Path.Combine(_folder.Path, "maildir") })
        {
            psi.ArgumentList.Add(argument);
        }

        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("aiosmtpd did not start: apt-get install python3-aiosmtpd");
                }

                await Task.Delay(100);
            }
        }

        throw new TimeoutException("aiosmtpd did not listen within 10 s");
    }

    /// <summary>Kills the server: the relay is down until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder.Dispose();
    }
}
