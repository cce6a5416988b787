using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Trace = SharpFuzz.Common.Trace;

namespace OrleansMail.Fuzz;

/// <summary>
/// A small coverage-guided fuzzer in the manner of AFL, in-process, over SharpFuzz's edge bitmap: inputs that light
/// up new edges (or new hit-count buckets) join the corpus and are mutated further. It runs for a set time so CI
/// can afford it; an exception out of the target, an execution slower than the hang limit or one allocating past
/// the allocation limit is a finding, saved to the findings folder to replay.
/// </summary>
public static unsafe class CoverageFuzzer
{
    private const int MapSize = 1 << 16;

    private static readonly byte[] Buckets = BuildBuckets();

    public static FuzzReport Run(InstrumentedTarget target, FuzzOptions options)
    {
        var map = (byte*)NativeMemory.AllocZeroed(MapSize);
        var previousMap = Trace.SharedMem;
        Trace.SharedMem = map;
        try
        {
            return new Session(target, options, map).Run();
        }
        finally
        {
            Trace.SharedMem = previousMap;
            NativeMemory.Free(map);
        }
    }

    private static byte[] BuildBuckets()
    {
        // AFL's hit-count classes: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+.
        var buckets = new byte[256];
        for (var i = 1; i < 256; i++)
        {
            buckets[i] = i switch
            {
                1 => 1,
                2 => 2,
                3 => 4,
                < 8 => 8,
                < 16 => 16,
                < 32 => 32,
                < 128 => 64,
                _ => 128,
            };
        }

        return buckets;
    }

    private sealed class Session(InstrumentedTarget target, FuzzOptions options, byte* map)
    {
        private readonly byte[] _virgin = Enumerable.Repeat((byte)0xff, MapSize).ToArray();
        private readonly List<byte[]> _corpus = [];
        private readonly List<FuzzFinding> _findings = [];
        private readonly HashSet<string> _seenFindings = [];
        private long _executions;
        private long _maxAllocated;
        private TimeSpan _slowest;

        public FuzzReport Run()
        {
            var clock = Stopwatch.StartNew();
            var random = new Random(options.Seed);
            var mutator = new Mutator(random, target.Dictionary, options.MaxInputLength);
            var seeds = options.Seeds.Count > 0 ? options.Seeds : [[]];
            foreach (var seed in seeds)
            {
                if (Execute(seed) || _corpus.Count == 0)
                {
                    _corpus.Add(seed);
                }
            }

            var seedEdges = Edges();
            using var watchdog = new Watchdog(options.HangLimit * 4, options.FindingsFolder);
            while (clock.Elapsed < options.Duration && _findings.Count < options.MaxFindings)
            {
                var parent = _corpus[random.Next(_corpus.Count)];
                var child = mutator.Mutate(parent, _corpus);
                watchdog.Arm(child);
                var interesting = Execute(child);
                watchdog.Disarm();
                if (interesting)
                {
                    _corpus.Add(child);
                }
            }

            return new FuzzReport(target.Name, _executions, clock.Elapsed, seedEdges, Edges(), _corpus.Count, _maxAllocated, _slowest, _findings);
        }

        private bool Execute(byte[] input)
        {
            new Span<byte>(map, MapSize).Clear();
            Trace.PrevLocation = 0;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            Exception? crash = null;
            try
            {
                target.Run(input);
            }
            catch (Exception e)
            {
                crash = e;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            _executions++;
            _maxAllocated = Math.Max(_maxAllocated, allocated);
            if (elapsed > _slowest)
            {
                _slowest = elapsed;
            }

            if (crash is not null)
            {
                Report("crash", $"{crash.GetType().Name}: {crash.Message}", input);
            }
            else if (elapsed > options.HangLimit)
            {
                Report("hang", $"{elapsed.TotalMilliseconds:0} ms", input);
            }
            else if (allocated > options.AllocationLimit)
            {
                Report("allocation", $"{allocated:N0} bytes for {input.Length} bytes of input", input);
            }

            return crash is null && Novel();
        }

        private bool Novel()
        {
            var novel = false;
            var bytes = new ReadOnlySpan<byte>(map, MapSize);
            for (var i = 0; i < MapSize; i++)
            {
                if (bytes[i] == 0)
                {
                    continue;
                }

                var bucket = Buckets[bytes[i]];
                if ((_virgin[i] & bucket) != 0)
                {
                    _virgin[i] &= (byte)~bucket;
                    novel = true;
                }
            }

            return novel;
        }

        private int Edges() => _virgin.Count(v => v != 0xff);

        private void Report(string kind, string detail, byte[] input)
        {
            // One finding per kind and message: a thousand mutants of one bug are one bug.
            if (!_seenFindings.Add(kind + "\n" + detail.Split(':')[0]))
            {
                return;
            }

            string? saved = null;
            if (options.FindingsFolder is { } folder)
            {
                Directory.CreateDirectory(folder);
                saved = Path.Combine(folder, $"{target.Name}-{kind}-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}.bin");
                File.WriteAllBytes(saved, input);
            }

            _findings.Add(new FuzzFinding(kind, detail, input, saved));
        }
    }

    /// <summary>
    /// A runaway execution cannot be interrupted in .NET; past the limit the input is saved and the process ends
    /// loudly, which a CI run reports as a failure rather than a timeout with nothing to replay.
    /// </summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly Timer _timer;
        private readonly TimeSpan _limit;
        private readonly string? _folder;
        private byte[]? _input;
        private long _armedAt;

        public Watchdog(TimeSpan limit, string? folder)
        {
            _limit = limit;
            _folder = folder;
            _timer = new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        public void Arm(byte[] input)
        {
            _input = input;
            Volatile.Write(ref _armedAt, Stopwatch.GetTimestamp());
        }

        public void Disarm() => Volatile.Write(ref _armedAt, 0);

        public void Dispose() => _timer.Dispose();

        private void Check()
        {
            var armedAt = Volatile.Read(ref _armedAt);
            if (armedAt == 0 || Stopwatch.GetElapsedTime(armedAt) < _limit || _input is not { } input)
            {
                return;
            }

            var hex = Convert.ToHexString(input);
            if (_folder is not null)
            {
                Directory.CreateDirectory(_folder);
                File.WriteAllBytes(Path.Combine(_folder, "hang.bin"), input);
            }

            Environment.FailFast($"fuzz target ran over {_limit.TotalSeconds:0} s on input {hex}");
        }
    }
}
