using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace OrleansMail.ManageSieve.Tests;

/// <summary>
/// A raw ManageSieve client for transcript tests: sends exactly the bytes given and reads each response up to its
/// OK, NO or BYE line, taking literals ("{n}" CRLF and n octets) as part of the line they are on.
/// </summary>
public sealed class SieveTranscript : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private Stream _stream = null!;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    /// <summary>The greeting: the capability lines and the OK.</summary>
    public List<string> Greeting { get; private set; } = [];

    public static async Task<SieveTranscript> ConnectAsync(string host, int port)
    {
        var t = new SieveTranscript();
        await t._tcp.ConnectAsync(host, port, t._timeout.Token);
        t._stream = t._tcp.GetStream();
        t.Greeting = await t.ResponseAsync();
        return t;
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes, _timeout.Token);
        await _stream.FlushAsync(_timeout.Token);
    }

    /// <summary>Sends one command (CRLF added) and reads its response.</summary>
    public async Task<List<string>> CommandAsync(string command)
    {
        await SendAsync(command + "\r\n");
        return await ResponseAsync();
    }

    /// <summary>Lines up to and including the status line; a literal's octets are appended to its line after a newline.</summary>
    public async Task<List<string>> ResponseAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException($"connection closed after: {string.Join(" | ", lines)}");
            if (line.EndsWith('}') && line.LastIndexOf('{') is var open and >= 0 && int.TryParse(line[(open + 1)..^1], out var length))
            {
                var literal = new byte[length];
                await _stream.ReadExactlyAsync(literal, _timeout.Token);
                line += "\n" + Encoding.UTF8.GetString(literal) + await ReadLineAsync();
            }

            lines.Add(line);
            if (line.StartsWith("OK", StringComparison.Ordinal) || line.StartsWith("NO", StringComparison.Ordinal) || line.StartsWith("BYE", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    /// <summary>One line without its CRLF; null at the end of the stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one, _timeout.Token) == 0)
            {
                return bytes.Count == 0 ? null : Encoding.UTF8.GetString([.. bytes]);
            }

            if (one[0] == '\n')
            {
                return Encoding.UTF8.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(one[0]);
        }
    }

    /// <summary>True when the server has closed the connection (reads end) within the timeout.</summary>
    public async Task<bool> ClosedAsync()
    {
        try
        {
            return await ReadLineAsync() is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>STARTTLS, trusting exactly the test certificate by its subject; returns what follows the handshake.</summary>
    public async Task<List<string>> StartTlsAsync(string subject)
    {
        var ok = await CommandAsync("STARTTLS");
        if (!ok[^1].StartsWith("OK", StringComparison.Ordinal))
        {
            return ok;
        }

        return await StartTlsAfterOkAsync(subject);
    }

    /// <summary>The handshake after the server's OK to STARTTLS; returns the capabilities and OK the server sends over TLS.</summary>
    public async Task<List<string>> StartTlsAfterOkAsync(string subject)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate?.Subject == subject);
        await ssl.AuthenticateAsClientAsync("sieve.test");
        _stream = ssl;
        return await ResponseAsync();
    }

    /// <summary>AUTHENTICATE PLAIN with an initial response; returns the status line.</summary>
    public async Task<string> LoginAsync(string user, string password = "secret") =>
        (await CommandAsync($"AUTHENTICATE \"PLAIN\" \"{Plain(user, password)}\""))[^1];

    public static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    /// <summary>A non-synchronizing literal of the text's UTF-8 octets.</summary>
    public static string Literal(string text) => $"{{{Encoding.UTF8.GetByteCount(text)}+}}\r\n{text}";

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
        _timeout.Dispose();
    }
}
