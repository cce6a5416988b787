using System.Net;
using System.Net.Sockets;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>What a container platform and a Prometheus server see on the operator's HTTP listener.</summary>
public sealed class OperatorEndpointTests
{
    [Fact]
    public async Task Probes_answer_and_the_scrape_carries_the_servers_own_metrics()
    {
        using var folder = new TempFolder();
        await using var host = await TestMailHost.StartAsync(folder.Path, []);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}") };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        var ready = await http.GetAsync(new Uri("/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());

        // An IMAP session moves a server metric; the scrape must show it under its Prometheus name.
        using (var imap = new TcpClient())
        {
            await imap.ConnectAsync(IPAddress.Loopback, host.ImapPort);
            using var reader = new StreamReader(imap.GetStream());
            Assert.StartsWith("* OK", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("orleansmail_imap_sessions", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/anything-else", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task No_listener_when_the_endpoint_is_empty()
    {
        using var folder = new TempFolder();
        await using var host = await TestMailHost.StartAsync(folder.Path, ["--OrleansMail:Http:Endpoint="]);
        using var tcp = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync(IPAddress.Loopback, host.HttpPort));
    }
}
