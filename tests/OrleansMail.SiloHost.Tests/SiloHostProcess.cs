using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansMail.Grains.Hosting;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>A silo host running as its own process on Azurite (Table clustering, Blob storage), as an operator runs it.</summary>
internal sealed partial record SiloHostProcess(Process Process, int LmtpPort, int ImapPort, int GatewayPort, int SiloPort)
{
    /// <summary>One cluster certificate for every silo the tests start: a cluster on Azure Table requires one.</summary>
    public static readonly Lazy<(string CertificatePath, string KeyPath)> ClusterCertificate = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("orleansmail-cluster-cert").FullName;
        return SelfSignedPem.Write(folder, "orleansmail-cluster");
    });

    private const int SigStop = 19;
    private const int SigCont = 18;
    private const int SigTerm = 15;

    public static SiloHostProcess Start(AzuriteServer azurite, string root, string passwd, string container, string clusterId, int index, SiloHostProcess? replacing = null, params string[] settings)
    {
        // A restarted node comes back on its old ports: Orleans then retires the dead incarnation at once.
        int lmtp = replacing?.LmtpPort ?? LoopbackPorts.Free(), imap = replacing?.ImapPort ?? LoopbackPorts.Free();
        int siloPort = replacing?.SiloPort ?? LoopbackPorts.Free(), gateway = replacing?.GatewayPort ?? LoopbackPorts.Free();
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in new[]
        {
            BuildOutput.Of("silo-host", "orleansmail-silo.dll"),
            $"--OrleansMail:DataPath={Path.Combine(root, "silo" + index)}",
            $"--OrleansMail:Accounts:PasswdFile={passwd}",
            "--OrleansMail:Storage:Provider=AzureBlob",
            $"--OrleansMail:Storage:ConnectionString={azurite.ConnectionString}",
            $"--OrleansMail:Storage:Container={container}",
            "--OrleansMail:Clustering:Provider=AzureTable",
            $"--OrleansMail:Clustering:CertificatePath={ClusterCertificate.Value.CertificatePath}",
            $"--OrleansMail:Clustering:KeyPath={ClusterCertificate.Value.KeyPath}",
            $"--OrleansMail:Clustering:ClusterId={clusterId}",
            $"--OrleansMail:Clustering:SiloPort={siloPort}",
            $"--OrleansMail:Clustering:GatewayPort={gateway}",
            "--OrleansMail:Store:LeaseDuration=00:00:05",
            $"--OrleansMail:Lmtp:Endpoint=127.0.0.1:{lmtp}",
            $"--OrleansMail:Imap:Endpoint=127.0.0.1:{imap}",
            $"--OrleansMail:Http:Endpoint=127.0.0.1:{LoopbackPorts.Free()}",
            $"--OrleansMail:ManageSieve:Endpoint=127.0.0.1:{LoopbackPorts.Free()}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:OrleansMail=Warning",
        }.Concat(settings))
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        var recent = RecentOutput[lmtp] = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Remember(recent, e.Data);
        process.ErrorDataReceived += (_, e) => Remember(recent, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloHostProcess(process, lmtp, imap, gateway, siloPort);
    }

    /// <summary>SIGSTOP: the process keeps its sockets and its state but does nothing, as a VM paused by its host.</summary>
    public void Freeze() => Assert.Equal(0, Kill(Process.Id, SigStop));

    public void Thaw() => Assert.Equal(0, Kill(Process.Id, SigCont));

    /// <summary>SIGTERM: the graceful stop an orchestrator asks for (a rolling upgrade, a scale-in).</summary>
    public void Terminate() => Assert.Equal(0, Kill(Process.Id, SigTerm));

    /// <summary>The last lines this process wrote: what a failed assertion about it is explained by.</summary>
    public string RecentLines => string.Join('\n', RecentOutput.TryGetValue(LmtpPort, out var lines) ? lines : []);

    /// <summary>The last lines each process wrote, by its LMTP port: what a failed start is explained by.</summary>
    private static readonly ConcurrentDictionary<int, ConcurrentQueue<string>> RecentOutput = new();

    private static void Remember(ConcurrentQueue<string> recent, string? line)
    {
        if (line is null)
        {
            return;
        }

        recent.Enqueue(line);
        while (recent.Count > 100 && recent.TryDequeue(out _))
        {
        }
    }

    public static async Task WaitForGreetingAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                var reader = new StreamReader(tcp.GetStream());
                if ((await reader.ReadLineAsync())?.StartsWith("220", StringComparison.Ordinal) == true)
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException && DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"no LMTP greeting on port {port}; the process's last lines:\n" + string.Join('\n', RecentOutput.TryGetValue(port, out var lines) ? lines : []));
            await Task.Delay(250);
        }
    }

    /// <summary>An ordinary Orleans client of one cluster, the way the admin CLI connects.</summary>
    /// <param name="withCertificate">False: a stranger who reaches the gateway but lacks the cluster certificate.</param>
    public static async Task<IHost> ConnectClientAsync(AzuriteServer azurite, string clusterId, bool withCertificate = true, CancellationToken cancellationToken = default)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client =>
            {
                if (withCertificate)
                {
                    client.UseClusterTls(ClusterTls.Load(ClusterCertificate.Value.CertificatePath, ClusterCertificate.Value.KeyPath));
                }

                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(azurite.ConnectionString));
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = "orleansmail";
                });
                client.Services.AddMailStoreSerialization();
            })
            .Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    public static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (attempt < 120)
            {
                await Task.Delay(500);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
