using System.Net.Sockets;
using System.Text;

namespace OrleansMail.Lmtp.Tests;

/// <summary>A raw LMTP conversation over a real socket: send bytes, read whole (multi-line) replies.</summary>
public sealed class LmtpTranscript : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;
    private readonly StringBuilder _pending = new();

    public async Task ConnectAsync(int port)
    {
        await _tcp.ConnectAsync("127.0.0.1", port);
        _stream = _tcp.GetStream();
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>One reply: its lines up to the one with a space after the code.</summary>
    public async Task<string> ReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await LineAsync();
            lines.Add(line);
            if (line.Length < 4 || line[3] == ' ')
            {
                return string.Join("\n", lines);
            }
        }
    }

    public async Task<string[]> RepliesAsync(int count)
    {
        var replies = new string[count];
        for (var i = 0; i < count; i++)
        {
            replies[i] = await ReplyAsync();
        }

        return replies;
    }

    private async Task<string> LineAsync()
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 2);
                return text[..end];
            }

            var n = await _stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                throw new IOException("connection closed; had: " + text);
            }

            _pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await Task.CompletedTask;
    }
}
