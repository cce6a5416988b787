using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Storage.Blobs;

namespace OrleansMail.Testing;

/// <summary>
/// A real Azurite (npm, pinned 3.37.0) on free loopback ports with a temp location. Installs it into the
/// repository's .tools folder on first use, so `dotnet test` works on a machine with only .NET and Node. Can be
/// stopped and started again on the same ports and data, for outage tests.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    public const string Version = "3.37.0";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _location;
    private Process? _process;

    private AzuriteServer(int blobPort, int queuePort, int tablePort, string location)
    {
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        _location = location;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static async Task<AzuriteServer> StartAsync()
    {
        var server = new AzuriteServer(LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free(), Directory.CreateTempSubdirectory("azurite-").FullName);
        await server.StartProcessAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>A client with short retries, so an outage surfaces in seconds rather than minutes.</summary>
    public BlobServiceClient CreateBlobServiceClient()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return new BlobServiceClient(ConnectionString, options);
    }

    /// <summary>Stops Azurite with SIGTERM, so it saves its metadata as a real service keeps its data across an outage.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            using (var term = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await p.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _process = null;
    }

    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private async Task StartProcessAsync()
    {
        var exe = await EnsureInstalledAsync().ConfigureAwait(false);
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--location", _location,
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("azurite did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"azurite exited with {_process.ExitCode}");
            }

            if (await CanConnectAsync(BlobPort).ConfigureAwait(false) && await CanConnectAsync(TablePort).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException("azurite did not open its ports in 60 s");
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }


    /// <summary>Azurite from the repository's .tools folder, installed with npm under a file lock on first use.</summary>
    private static async Task<string> EnsureInstalledAsync()
    {
        var tools = Path.Combine(RepositoryRoot.Find(), ".tools");
        var exe = Path.Combine(tools, "node_modules", ".bin", "azurite");
        if (File.Exists(exe))
        {
            return exe;
        }

        Directory.CreateDirectory(tools);
        using var gate = await AcquireFileLockAsync(Path.Combine(tools, "install.lock")).ConfigureAwait(false);
        if (File.Exists(exe))
        {
            return exe;
        }

        var psi = new ProcessStartInfo("npm") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "install", "--no-audit", "--no-fund", "--prefix", tools, $"azurite@{Version}" })
        {
            psi.ArgumentList.Add(a);
        }

        using var npm = Process.Start(psi) ?? throw new InvalidOperationException("npm did not start");
        var stderr = npm.StandardError.ReadToEndAsync();
        await npm.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await npm.WaitForExitAsync().ConfigureAwait(false);
        if (npm.ExitCode != 0 || !File.Exists(exe))
        {
            throw new InvalidOperationException($"npm install azurite@{Version} failed: {await stderr.ConfigureAwait(false)}");
        }

        return exe;
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(500).ConfigureAwait(false);
            }
        }
    }
}
