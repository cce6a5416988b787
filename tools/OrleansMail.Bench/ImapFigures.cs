using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.ObjectStore.Testing;

namespace OrleansMail.Bench;

/// <summary>
/// IMAP figures of the real silo host, each with its baseline from the same run: SELECT plus a full flag listing
/// of a large mailbox (warm grain and freshly activated), FETCH of many bodies with prefetch against the same
/// FETCH read one body at a time, and the memory one idle selected session costs.
/// </summary>
internal static class ImapFigures
{
    public static async Task<Dictionary<string, double>> MeasureAsync(int messages, int bodies, int sessions, string? azure, TimeSpan latency, int seed, int clients = 0, int mixed = 0)
    {
        var root = Directory.CreateTempSubdirectory("om-imap-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(root, "users.passwd"), Enumerable.Range(0, 100).Select(u => $"user{u}:{{PLAIN}}x::::::"));
        var settings = new List<string>
        {
            "--OrleansMail:Imap:MaxSessionsPerUser=100000",
            "--OrleansMail:Imap:MaxSessionsPerAddress=100000",
        };
        var store = await BenchStore.CreateAsync(azure, root, settings);
        var plan = new FaultPlan(seed);
        await using var app = await BenchHost.StartAsync(root, new FaultInjectingObjectStore(store, plan), settings);
        var imapPort = app.ImapPort;
        try
        {
            var ingest = app.Services.GetRequiredService<MessageIngest>();
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var mix = MessageMix.Generate(Math.Max(bodies * 2, 200), seed);
            Console.Error.WriteLine($"filling user0 with {messages} messages...");
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < messages)
                {
                    await using var received = await ingest.ReceiveAsync(new MemoryStream(mix[i % mix.Count]));
                    await ingest.DeliverAsync(received, new DeliveryTarget("user0"));
                }
            }));

            // Bodies for the FETCH figures live in their own user so the listing above stays one kind of message.
            for (var i = 0; i < (bodies * 2) + 1; i++)
            {
                await using var received = await ingest.ReceiveAsync(new MemoryStream(mix[i % mix.Count]));
                await ingest.DeliverAsync(received, new DeliveryTarget("user1"));
            }

            plan.Latency = latency;
            var figures = new Dictionary<string, double>
            {
                ["messages"] = messages,
                ["latency_ms"] = latency.TotalMilliseconds,
            };

            // SELECT + UID FETCH 1:* (UID FLAGS): warm grain, then after a deactivation (activation from the local cache).
            await TimeListingAsync(imapPort); // JIT and first activation stay out of the figures
            figures["select_fetch_flags_warm_ms"] = await TimeListingAsync(imapPort);
            await grains.GetGrain<IUserGrain>("user0").DeactivateAsync();
            figures["select_fetch_flags_cold_ms"] = await TimeListingAsync(imapPort);

            // FETCH n bodies: prefetch (the configured parallelism) against one body at a time, on bodies not yet cached.
            var cache = app.Services.GetRequiredService<BodyCacheOptions>();
            await using (var reader = await ImapConnection.OpenAsync(imapPort, "user1"))
            {
                await reader.CommandAsync("SELECT INBOX");
                await reader.CommandAsync($"UID FETCH {(bodies * 2) + 1} (BODY.PEEK[])"); // warm-up
                var watch = Stopwatch.StartNew();
                await reader.CommandAsync($"UID FETCH 1:{bodies} (BODY.PEEK[])");
                figures["fetch_bodies_prefetch_ms"] = watch.Elapsed.TotalMilliseconds;
                var parallelism = cache.PrefetchParallelism;
                cache.PrefetchParallelism = 1;
                watch.Restart();
                await reader.CommandAsync($"UID FETCH {bodies + 1}:{bodies * 2} (BODY.PEEK[])");
                figures["fetch_bodies_one_at_a_time_ms"] = watch.Elapsed.TotalMilliseconds;
                cache.PrefetchParallelism = parallelism;
                figures["fetch_bodies"] = bodies;
                figures["fetch_one_at_a_time_over_prefetch"] = figures["fetch_bodies_one_at_a_time_ms"] / figures["fetch_bodies_prefetch_ms"];
            }

            // The mixed client profile, half the clients on the large mailbox and half on the small one.
            if (mixed > 0)
            {
                var server = new MailServer("orleansmail", "127.0.0.1", 0, imapPort, Users: 2);
                await ClientWorkloads.MixedAsync(server, mix, clients, mixed, figures);
            }

            plan.Latency = TimeSpan.Zero;
            if (sessions > 0)
            {
                figures["sessions"] = sessions;
                figures["bytes_per_session"] = await MemoryPerSessionAsync(imapPort, sessions);
                figures["sessions_per_gib"] = (1L << 30) / figures["bytes_per_session"];
            }

            return figures;
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> TimeListingAsync(int port)
    {
        await using var connection = await ImapConnection.OpenAsync(port, "user0");
        var watch = Stopwatch.StartNew();
        await connection.CommandAsync("SELECT INBOX");
        var lines = await connection.CommandAsync("UID FETCH 1:* (UID FLAGS)");
        var elapsed = watch.Elapsed.TotalMilliseconds;
        if (lines < 2)
        {
            throw new InvalidOperationException("the listing came back empty");
        }

        return elapsed;
    }

    /// <summary>Managed heap growth per idle, selected session (client sockets in the same process included: an upper bound).</summary>
    private static async Task<double> MemoryPerSessionAsync(int port, int count)
    {
        var before = Heap();
        var open = new List<ImapConnection>();
        try
        {
            for (var i = 0; i < count; i++)
            {
#pragma warning disable CA2000 // kept open on purpose (the figure is memory per idle session); the finally below closes them all
                var c = await ImapConnection.OpenAsync(port, $"user{2 + (i % 98)}");
#pragma warning restore CA2000
                open.Add(c);
                await c.CommandAsync("SELECT INBOX");
            }

            var after = Heap();
            return (after - before) / (double)count;
        }
        finally
        {
            foreach (var c in open)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }


    /// <summary>A minimal IMAP client that counts response lines and skips literals by length, so client cost stays out of the figure.</summary>
    internal sealed class ImapConnection : IAsyncDisposable
    {
        private readonly TcpClient _tcp = new();
        private Stream _stream = null!;
        private byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;
        private int _tag;

        /// <summary>The text of the last command's lines that matched <c>*</c> responses, when asked to keep them.</summary>
        public List<string> Kept { get; } = [];

        public bool Keep { get; set; }

        /// <summary>Messages in the selected mailbox as this session knows it: sequence numbers up to it are valid.</summary>
        public int Exists { get; private set; }

        public static Task<ImapConnection> OpenAsync(int port, string user, string password = "x") =>
            OpenAsync("127.0.0.1", port, user, password);

        public static async Task<ImapConnection> OpenAsync(string host, int port, string user, string password)
        {
            for (var attempt = 1; ; attempt++)
            {
                var c = new ImapConnection();
                c._tcp.NoDelay = true; // as mail clients set it; otherwise Nagle holds the CRLF after a literal for a delayed ACK
                await c._tcp.ConnectAsync(host, port);
                c._stream = c._tcp.GetStream();
                if ((await c.LineAsync()).StartsWith("* BYE", StringComparison.Ordinal) && attempt < 100)
                {
                    // Turned away at the door (too many connections from one address at once): a client tries again shortly.
                    await c.DisposeAsync();
                    await Task.Delay(50);
                    continue;
                }

                await c.CommandAsync($"LOGIN {user} {password}");
                return c;
            }
        }

        /// <summary>Bytes that crossed the socket: compressed ones once COMPRESS is on.</summary>
        public long WireBytesReceived => _stream is DeflateDuplexStream deflate ? _compressedBefore + deflate.WireBytesRead : BytesReceived;

        private long _compressedBefore;

        /// <summary>COMPRESS DEFLATE, then everything goes through a deflate stream both ways (RFC 4978).</summary>
        public async Task CompressAsync()
        {
            await CommandAsync("COMPRESS DEFLATE");
            _compressedBefore = BytesReceived;
            _stream = new DeflateDuplexStream(_tcp.GetStream());
        }

        /// <summary>Runs a command; returns how many lines came back; throws unless it ended OK.</summary>
        public async Task<int> CommandAsync(string command)
        {
            var tag = $"b{++_tag}";
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{tag} {command}\r\n"));
            var lines = 0;
            while (true)
            {
                var line = await LineAsync();
                lines++;
                if (Keep)
                {
                    Kept.Add(line);
                }

                var open = line.LastIndexOf('{');
                if (open >= 0 && line.EndsWith('}') && long.TryParse(line.AsSpan(open + 1, line.Length - open - 2), out var literal))
                {
                    await SkipAsync(literal);
                    continue;
                }

                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    return line.StartsWith(tag + " OK", StringComparison.Ordinal) ? lines : throw new InvalidOperationException(line);
                }
            }
        }

        /// <summary>Waits in IDLE for <paramref name="duration"/>, as an always-on phone does, then leaves it; returns the lines pushed meanwhile.</summary>
        public async Task<int> IdleForAsync(TimeSpan duration)
        {
            var tag = $"b{++_tag}";
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{tag} IDLE\r\n"));
            while (!(await LineAsync()).StartsWith('+'))
            {
            }

            if (duration > TimeSpan.Zero)
            {
                await Task.Delay(duration);
            }

            await _stream.WriteAsync("DONE\r\n"u8.ToArray());
            var pushed = 0;
            string line;
            while (!(line = await LineAsync()).StartsWith(tag + " ", StringComparison.Ordinal))
            {
                pushed++;
            }

            return line.StartsWith(tag + " OK", StringComparison.Ordinal) ? pushed : throw new InvalidOperationException(line);
        }

        /// <summary>Enters IDLE and leaves it at once: the round trips a client pays to start and end waiting.</summary>
        public Task IdleAsync() => IdleForAsync(TimeSpan.Zero);

        /// <summary>APPENDs one message with a non-synchronizing literal (RFC 7888), as a client with LITERAL+ does.</summary>
        public async Task AppendAsync(string mailbox, byte[] message)
        {
            var tag = $"b{++_tag}";
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{tag} APPEND {mailbox} {{{message.Length}+}}\r\n"));
            await _stream.WriteAsync(message);
            await _stream.WriteAsync("\r\n"u8.ToArray());
            while (true)
            {
                var line = await LineAsync();
                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    if (!line.StartsWith(tag + " OK", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(line);
                    }

                    return;
                }
            }
        }

        /// <summary>
        /// APPENDs every message with LITERAL+, keeping up to <paramref name="depth"/> in flight on this one
        /// connection, as a migration tool does: the next APPEND goes out before the answers to the earlier ones.
        /// </summary>
        public async Task AppendPipelinedAsync(string mailbox, IReadOnlyList<byte[]> messages, int depth, Action? step = null)
        {
            using var window = new SemaphoreSlim(depth);
            var first = _tag + 1;
            var writer = Task.Run(async () =>
            {
                foreach (var message in messages)
                {
                    await window.WaitAsync();
                    var tag = $"b{++_tag}";
                    await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{tag} APPEND {mailbox} {{{message.Length}+}}\r\n"));
                    await _stream.WriteAsync(message);
                    await _stream.WriteAsync("\r\n"u8.ToArray());
                }
            });
            for (var answered = 0; answered < messages.Count;)
            {
                var line = await LineAsync();
                if (line.StartsWith('b') && line.IndexOf(' ', StringComparison.Ordinal) is var space and > 1 && int.TryParse(line.AsSpan(1, space - 1), out var number) && number >= first)
                {
                    if (!line.AsSpan(space + 1).StartsWith("OK", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(line);
                    }

                    answered++;
                    window.Release();
                    step?.Invoke();
                }
            }

            await writer;
        }

        private async Task SkipAsync(long count)
        {
            while (count > 0)
            {
                if (_start == _end)
                {
                    await FillAsync();
                }

                var take = (int)Math.Min(count, _end - _start);
                _start += take;
                count -= take;
            }
        }

        // The selected mailbox's size as the server last told this session (EXISTS, EXPUNGE).
        private void TrackExists(string line)
        {
            var parts = line.Split(' ');
            if (parts.Length == 3 && parts[0] == "*" && int.TryParse(parts[1], out var n))
            {
                if (parts[2] == "EXISTS")
                {
                    Exists = n;
                }
                else if (parts[2] == "EXPUNGE")
                {
                    Exists--;
                }
            }
        }

        private async Task<string> LineAsync()
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                    _start = newline + 1;
                    TrackExists(line);
                    return line;
                }

                await FillAsync();
            }
        }

        private async Task FillAsync()
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                // A line longer than the buffer (SEARCH, SORT or THREAD of a large mailbox): grow it.
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var n = await _stream.ReadAsync(_buffer.AsMemory(_end));
            if (n == 0)
            {
                throw new IOException("connection closed");
            }

            _end += n;
            BytesReceived += n;
        }

        public long BytesReceived { get; private set; }

        public async ValueTask DisposeAsync()
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync();
            }

            _tcp.Dispose();
        }
    }
}
