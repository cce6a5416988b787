using System.Net;
using System.Net.Sockets;

namespace OrleansMail.Testing;

/// <summary>Free loopback ports for servers the tests start.</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
