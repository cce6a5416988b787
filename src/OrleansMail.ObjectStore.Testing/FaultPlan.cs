namespace OrleansMail.ObjectStore.Testing;

/// <summary>
/// What <see cref="FaultInjectingObjectStore"/> does to calls: Dovecot's fs-randomfail idea. Mutable at run time so a
/// test can stall the store, then heal it. Thread-safe.
/// </summary>
public sealed class FaultPlan
{
    private readonly Random _random;
    private readonly Lock _gate = new();

    public FaultPlan(int seed = 1) => _random = new Random(seed);

    /// <summary>Share of calls (0..1) that fail with <see cref="ObjectStoreUnavailableException"/> before reaching the store.</summary>
    public double FailureRate { get; set; }

    /// <summary>Share of writes (0..1) that reach the store and then fail anyway: the "written, but the answer was lost" case.</summary>
    public double FailAfterWriteRate { get; set; }

    /// <summary>Added to every call.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Extra random latency, uniformly 0..Jitter.</summary>
    public TimeSpan Jitter { get; set; }

    /// <summary>Every call fails while set: the store is down.</summary>
    public bool Down { get; set; }

    /// <summary>Calls whose object name this matches fail (e.g. block one user's lease renewals).</summary>
    public Func<string, bool>? Block { get; set; }

    /// <summary>Writes and deletes whose object name this matches reach the store and then fail: a chosen lost answer.</summary>
    public Func<string, bool>? LoseAnswer { get; set; }

    internal double Next()
    {
        lock (_gate)
        {
            return _random.NextDouble();
        }
    }
}
