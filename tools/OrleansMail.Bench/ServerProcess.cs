using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansMail.Bench;

/// <summary>
/// A mail server the side-by-side benchmark starts as its own process from an empty folder and stops at the end of
/// its round: OrleansMail's silo host as the README starts it (embedded default, Release build), or Debian's Dovecot
/// through tools/dovecot/start-dovecot.sh. Each server gets the same users, the load generator stays outside it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly int? _pid;
    private readonly string _root;
    private readonly StreamWriter? _log;

    private ServerProcess(MailServer server, string root, Process? process, int? pid, StreamWriter? log)
    {
        Server = server;
        _root = root;
        _process = process;
        _pid = pid;
        _log = log;
    }

    public MailServer Server { get; }

    /// <summary>The process's id: what `ps` and dotnet-trace are pointed at.</summary>
    public int Pid => _process?.Id ?? _pid!.Value;

    /// <summary>Starts the server a label names: orleansmail, dovecot (mdbox, tuned) or dovecot_maildir.</summary>
#pragma warning disable CA2000 // the caller owns the server it gets
    public static Task<ServerProcess> StartAsync(string label, int users, string? siloDll) => label switch
    {
        "orleansmail" => StartOrleansMailAsync(label, users, siloDll),
        "dovecot" => StartDovecotAsync(label, users, "mdbox"),
        "dovecot_maildir" => StartDovecotAsync(label, users, "maildir"),
        _ => throw new ArgumentException($"no server is called {label}", nameof(label)),
    };
#pragma warning restore CA2000

    /// <summary>The silo host built in Release (`dotnet build -c Release silo-host`), on free loopback ports, its data under a new folder.</summary>
    private static async Task<ServerProcess> StartOrleansMailAsync(string label, int users, string? siloDll = null)
    {
        var dll = siloDll ?? Path.Combine(Repository.Root, "silo-host", "bin", "Release", "net10.0", "orleansmail-silo.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"build the silo host first: dotnet build -c Release silo-host ({dll} is missing)");
        }

        var root = Directory.CreateTempSubdirectory("om-silo-").FullName;
        var server = new MailServer(label, "127.0.0.1", BenchPorts.Free(), BenchPorts.Free(), Users: users);
        Directory.CreateDirectory(Path.Combine(root, "data"));
        await File.WriteAllLinesAsync(Path.Combine(root, "data", "users.passwd"), server.PasswdLines());
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            dll,
            $"--OrleansMail:Lmtp:Endpoint=127.0.0.1:{Port(server.LmtpPort)}",
            $"--OrleansMail:Imap:Endpoint=127.0.0.1:{Port(server.ImapPort)}",
            $"--OrleansMail:Http:Endpoint=127.0.0.1:{Port(BenchPorts.Free())}",
            "--OrleansMail:ManageSieve:Endpoint=",
            $"--OrleansMail:Clustering:SiloPort={Port(BenchPorts.Free())}",
            $"--OrleansMail:Clustering:GatewayPort={Port(BenchPorts.Free())}",
        })
        {
            psi.ArgumentList.Add(argument);
        }

        var process = Process.Start(psi)!;

        // The host logs as shipped (every login at Information); its lines go to a file, as a service's journal takes them.
        #pragma warning disable CA2000 // the ServerProcess owns the log and disposes it with the process
        var log = new StreamWriter(Path.Combine(root, "silo.log"));
#pragma warning restore CA2000
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitForGreetingAsync(server.LmtpPort, process);
        return new ServerProcess(server, root, process, null, log);
    }

    /// <summary>Dovecot with a private configuration: FORMAT mdbox is the tuned reference, maildir its default layout.</summary>
    private static async Task<ServerProcess> StartDovecotAsync(string label, int users, string format)
    {
        var root = Directory.CreateTempSubdirectory("om-dovecot-").FullName;
        var server = new MailServer(label, "127.0.0.1", BenchPorts.Free(), BenchPorts.Free(), Users: users);
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), server.PasswdLines());
        var script = Path.Combine(Repository.Root, "tools", "dovecot", "start-dovecot.sh");
        var start = Process.Start(new ProcessStartInfo("bash", [script, root, Port(server.ImapPort), Port(server.LmtpPort), format]) { RedirectStandardOutput = true })!;
        var output = await start.StandardOutput.ReadToEndAsync();
        await start.WaitForExitAsync();
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException($"start-dovecot.sh exited {start.ExitCode}");
        }

        await WaitForGreetingAsync(server.LmtpPort, null);
        return new ServerProcess(server, root, null, int.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture), null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            // SIGTERM, as an operator stops the service: the silo checkpoints its users and leaves.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
            lock (_log!)
            {
                _log.Dispose();
            }
        }
        else if (_pid is { } pid)
        {
            using var master = Process.GetProcessById(pid);
            master.Kill();
            await master.WaitForExitAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Dovecot's processes may still be closing files as the folder goes; the temporary folder is the system's to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static async Task WaitForGreetingAsync(int lmtpPort, Process? process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"the server exited with {process.ExitCode} before it greeted");
            }

            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, lmtpPort);
                using var reader = new StreamReader(tcp.GetStream());
                if ((await reader.ReadLineAsync())?.StartsWith("220", StringComparison.Ordinal) == true)
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException && DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no LMTP greeting on port {lmtpPort}");
            }

            await Task.Delay(250);
        }
    }
}
