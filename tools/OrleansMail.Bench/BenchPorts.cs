using System.Net;
using System.Net.Sockets;

namespace OrleansMail.Bench;

/// <summary>Free loopback ports for the servers a benchmark starts.</summary>
internal static class BenchPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
