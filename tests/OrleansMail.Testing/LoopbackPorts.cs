using System.Net;
using System.Net.Sockets;

namespace OrleansMail.Testing;

/// <summary>Free loopback ports for servers the tests start, never the same one twice in a test run.</summary>
public static class LoopbackPorts
{
    // The kernel may hand a just-closed ephemeral port straight back, so two calls in a row can name the same
    // port (a silo and a gateway port that collide fail the host's validation): remember what was handed out.
    private static readonly HashSet<int> Issued = [];

    public static int Free()
    {
        var held = new List<TcpListener>();
        try
        {
            while (true)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                held.Add(listener);
                int port = ((IPEndPoint)listener.LocalEndpoint).Port;
                lock (Issued)
                {
                    if (Issued.Add(port))
                    {
                        return port;
                    }
                }
            }
        }
        finally
        {
            foreach (var listener in held)
            {
                listener.Dispose();
            }
        }
    }
}
