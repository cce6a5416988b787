namespace OrleansMail.MailStorage.Memory;

/// <summary>
/// Whether the silo is short of memory: its resident set against what it may use. A silo that takes new work
/// while short is one the kernel or the container kills, losing every session; one that says "later" keeps them.
/// Read at most once a second, so a login or a delivery pays nothing for asking.
/// </summary>
public sealed class MemoryPressure(MemoryOptions options, TimeProvider time)
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private long _sampledAt = long.MinValue;
    private bool _short;

    /// <summary>The resident-memory mark above which new work is refused.</summary>
    public long Limit => options.ShedLoadAboveBytes > 0
        ? options.ShedLoadAboveBytes
        : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 100 * options.ShedLoadAbovePercent;

    public bool IsShort
    {
        get
        {
            var now = time.GetTimestamp();
            lock (_lock)
            {
                if (_sampledAt != long.MinValue && time.GetElapsedTime(_sampledAt, now) < SampleInterval)
                {
                    return _short;
                }

                _sampledAt = now;
            }

            var isShort = Environment.WorkingSet > Limit;
            lock (_lock)
            {
                _short = isShort;
            }

            return isShort;
        }
    }
}
