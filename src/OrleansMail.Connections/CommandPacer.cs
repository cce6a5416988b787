namespace OrleansMail.Connections;

/// <summary>
/// The per-session command-rate guard, a token bucket: a session may send a burst of up to a second's worth of
/// commands at once, and past that its commands are spaced out at the configured rate. A client over the rate is
/// slowed command by command (2 ms each at 500/s), never stalled for the rest of a second, so a fast but honest
/// client loses nothing it would notice and a flooding one gets no more than the rate.
/// </summary>
public sealed class CommandPacer(int commandsPerSecond, TimeProvider time)
{
    private readonly double _capacity = commandsPerSecond;
    private double _tokens = commandsPerSecond;
    private long _refilledAt = time.GetTimestamp();

    /// <summary>How long the next command must wait before it runs; zero while the session keeps to the rate.</summary>
    public TimeSpan Admit()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * commandsPerSecond);
        _refilledAt = now;
        _tokens -= 1;

        // The debt is paid by waiting: a session that keeps sending while it is owed time waits longer each command.
        return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / commandsPerSecond);
    }
}
