using System.Net;

namespace OrleansMail.Hosting;

/// <summary>The listener address syntax of every OrleansMail endpoint setting: "127.0.0.1:2424", "[::1]:24", or a Unix socket path.</summary>
internal static class Endpoints
{
    public static bool IsUnixSocket(string endpoint, out string path)
    {
        path = endpoint.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) ? endpoint[5..] : endpoint;
        return endpoint.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) || endpoint.StartsWith('/');
    }

    public static bool IsValid(string endpoint) =>
        IsUnixSocket(endpoint, out var path) ? path.Length > 1 : IPEndPoint.TryParse(endpoint, out var ip) && ip.Port > 0;
}
