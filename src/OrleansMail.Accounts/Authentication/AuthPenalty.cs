using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using OrleansMail.Accounts.Passwords;

namespace OrleansMail.Accounts.Authentication;

/// <summary>
/// Dovecot's auth_penalty: each failed login from an address doubles the delay before that address's next check
/// (from <see cref="PasswordCheckLimits.PenaltyInitial"/> up to <see cref="PasswordCheckLimits.PenaltyMax"/>),
/// across all its connections; a success clears it. IPv6 addresses count per /64, the block one host usually has.
/// The table is bounded: past its size the oldest entries go first.
/// </summary>
public sealed class AuthPenalty(PasswordCheckLimits limits, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> _failures = new(StringComparer.Ordinal);

    /// <summary>How long a check from <paramref name="address"/> waits now.</summary>
    public TimeSpan DelayFor(IPAddress? address)
    {
        if (address is null || !_failures.TryGetValue(Key(address), out var entry) || entry.Failures == 0)
        {
            return TimeSpan.Zero;
        }

        if (time.GetUtcNow() - entry.Last > limits.PenaltyExpiry)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(entry.Failures - 1, 16));
        return TimeSpan.FromTicks((long)Math.Min(limits.PenaltyInitial.Ticks * factor, limits.PenaltyMax.Ticks));
    }

    public void Failed(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        _failures.AddOrUpdate(Key(address), _ => (1, now), (_, e) => (now - e.Last > limits.PenaltyExpiry ? 1 : e.Failures + 1, now));
        if (_failures.Count > limits.PenaltyMaxTracked)
        {
            Prune(now);
        }
    }

    public void Succeeded(IPAddress? address)
    {
        if (address is not null)
        {
            _failures.TryRemove(Key(address), out _);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        var excess = _failures.Count - (limits.PenaltyMaxTracked * 3 / 4);
        foreach (var (key, value) in _failures.OrderBy(e => e.Value.Last).ToList())
        {
            if (excess <= 0 && now - value.Last <= limits.PenaltyExpiry)
            {
                break;
            }

            if (_failures.TryRemove(key, out _))
            {
                excess--;
            }
        }
    }

    private static string Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
