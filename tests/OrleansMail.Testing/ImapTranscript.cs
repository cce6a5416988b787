using System.Net.Sockets;
using System.Text;

namespace OrleansMail.Testing;

/// <summary>A raw IMAP conversation over a real socket: send lines, read until the tagged answer.</summary>
public sealed class ImapTranscript : IAsyncDisposable
{
    private TcpClient _tcp = new();
    private NetworkStream _stream = null!;
    private readonly List<byte> _pending = [];

    public string Greeting { get; private set; } = "";

    /// <param name="from">A loopback address of the 127/8 block to connect from: another client address, as far as the server can tell.</param>
    public async Task ConnectAsync(int port, System.Net.IPAddress? from = null)
    {
        if (from is not null)
        {
            _tcp.Dispose();
            _tcp = new TcpClient(new System.Net.IPEndPoint(from, 0));
        }

        await _tcp.ConnectAsync("127.0.0.1", port);
        _stream = _tcp.GetStream();
        Greeting = await LineAsync();
    }

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Sends "tag command" and returns every line up to and including the tagged one.</summary>
    public async Task<List<string>> CommandAsync(string tag, string command)
    {
        await SendAsync($"{tag} {command}\r\n");
        return await UntilTaggedAsync(tag);
    }

    /// <summary>APPEND of <paramref name="message"/> as a non-synchronizing literal (RFC 7888), up to the tagged answer.</summary>
    public async Task<List<string>> AppendAsync(string tag, string mailbox, string message)
    {
        await SendAsync($"{tag} APPEND {mailbox} {{{Encoding.UTF8.GetByteCount(message)}+}}\r\n{message}\r\n");
        return await UntilTaggedAsync(tag);
    }

    public async Task<List<string>> UntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await LineAsync();
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    /// <summary>Whole responses (literals read by their announced length, never as lines) up to the tagged one.</summary>
    public async Task<List<string>> ResponsesUntilTaggedAsync(string tag)
    {
        var responses = new List<string>();
        while (true)
        {
            var response = new StringBuilder();
            var line = await LineAsync();
            while (true)
            {
                response.Append(line);
                var match = System.Text.RegularExpressions.Regex.Match(line, @"\{(\d+)\}$");
                if (!match.Success)
                {
                    break;
                }

                var length = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                response.Append("\r\n").Append(Encoding.UTF8.GetString(await BytesAsync(length)));
                line = await LineAsync();
            }

            responses.Add(response.ToString());
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return responses;
            }
        }
    }

    /// <summary>Exactly <paramref name="length"/> raw bytes (a literal's content, read after its announcing line).</summary>
    public async Task<byte[]> BytesAsync(int length)
    {
        var buffer = new byte[8192];
        while (_pending.Count < length)
        {
            var n = await _stream.ReadAsync(buffer);
            if (n == 0)
            {
                throw new IOException("connection closed inside a literal");
            }

            _pending.AddRange(buffer.AsSpan(0, n));
        }

        var bytes = _pending.GetRange(0, length).ToArray();
        _pending.RemoveRange(0, length);
        return bytes;
    }

    /// <summary>One line (literals arrive as their own lines of raw text).</summary>
    public async Task<string> LineAsync(TimeSpan? timeout = null)
    {
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = _pending.ToArray();
            var end = Array.IndexOf(text, (byte)'\n');
            if (end >= 0)
            {
                _pending.RemoveRange(0, end + 1);
                return Encoding.UTF8.GetString(text, 0, end).TrimEnd('\r');
            }

            var n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                throw new IOException("connection closed; had: " + Encoding.UTF8.GetString(text));
            }

            _pending.AddRange(buffer.AsSpan(0, n));
        }
    }

    /// <summary>True when the server closed the connection (reads end).</summary>
    public async Task<bool> ClosedAsync()
    {
        try
        {
            while (true)
            {
                await LineAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await Task.CompletedTask;
    }
}
