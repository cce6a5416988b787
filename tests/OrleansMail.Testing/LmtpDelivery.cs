using System.Net.Sockets;
using System.Text;

namespace OrleansMail.Testing;

/// <summary>One LMTP delivery as an MTA attempts it, for load and fault tests that retry as an MTA would.</summary>
public static class LmtpDelivery
{
    /// <summary>Delivers a small message with this Message-ID; the final reply, or "4xx ..." for a refused or cut connection (an MTA retries both).</summary>
    public static async Task<string> TryDeliverAsync(int port, string rcpt, string messageId)
    {
        try
        {
            using var tcp = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await tcp.ConnectAsync("127.0.0.1", port, timeout.Token).ConfigureAwait(false);
            var stream = tcp.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"LHLO test\r\nMAIL FROM:<load@test.example>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n"), timeout.Token).ConfigureAwait(false);
            string? line;
            while ((line = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false)) is not null && line.Length > 3 && line[3] == '-')
            {
            }

            for (var i = 0; i < 3; i++)
            {
                line = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                if (line is null || (i < 2 && !line.StartsWith("250", StringComparison.Ordinal)))
                {
                    return line ?? "4xx cut";
                }
            }

            var data = $"Subject: {messageId}\r\nMessage-ID: <{messageId}>\r\n\r\nbody of {messageId}\r\n.\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(data), timeout.Token).ConfigureAwait(false);
            return await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false) ?? "4xx cut";
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return "4xx " + e.GetType().Name;
        }
    }

    /// <summary>Delivers <paramref name="message"/> (any line endings) to one recipient; returns the final reply.</summary>
    public static async Task<string> DeliverMessageAsync(int port, string rcpt, string message, string sender = "sender@example.org") =>
        (await DeliverMessageAsync(port, [rcpt], message, sender).ConfigureAwait(false))[0];

    /// <summary>Delivers <paramref name="message"/> (any line endings) to several recipients in one transaction; the replies to DATA, one per recipient.</summary>
    public static async Task<List<string>> DeliverMessageAsync(int port, IReadOnlyList<string> rcpts, string message, string sender = "sender@example.org")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        var stream = tcp.GetStream();
        var reader = new StreamReader(stream, Encoding.UTF8);
        async Task<string> Reply()
        {
            string line;
            do
            {
                line = await reader.ReadLineAsync().ConfigureAwait(false) ?? throw new IOException("closed");
            }
            while (line.Length > 3 && line[3] == '-');
            return line;
        }

        await Reply().ConfigureAwait(false);
        var body = message.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        var dotted = string.Join("\r\n", body.Split("\r\n").Select(l => l.StartsWith('.') ? "." + l : l));
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"LHLO test\r\nMAIL FROM:<{sender}>\r\n{string.Concat(rcpts.Select(r => $"RCPT TO:<{r}>\r\n"))}DATA\r\n")).ConfigureAwait(false);
        for (var i = 0; i < rcpts.Count + 3; i++)
        {
            await Reply().ConfigureAwait(false);
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(dotted + (dotted.EndsWith("\r\n", StringComparison.Ordinal) ? "" : "\r\n") + ".\r\nQUIT\r\n")).ConfigureAwait(false);
        var replies = new List<string>(rcpts.Count);
        for (var i = 0; i < rcpts.Count; i++)
        {
            replies.Add(await Reply().ConfigureAwait(false));
        }

        return replies;
    }
}
