using System.Net;
using System.Net.Sockets;

namespace OrleansMail.Bench;

/// <summary>
/// Free loopback ports for the servers a benchmark starts, never the same one twice in a run: the kernel may hand a
/// just-closed port straight back, and a silo whose silo and gateway ports collide refuses to start. (The tests'
/// LoopbackPorts does the same; a benchmark does not reference the test helpers.)
/// </summary>
internal static class BenchPorts
{
    private static readonly HashSet<int> Issued = [];

    public static int Free()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Issued)
            {
                if (Issued.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
