using System.Collections.Concurrent;

namespace OrleansMail.Connections;

/// <summary>
/// Counts sessions per key (a user, a client address, not-yet-logged-in connections of an address) so the configured
/// maxima hold across the silo; every listener keys its own counts with its own prefix.
/// </summary>
public sealed class ConnectionCounts
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public bool TryEnter(string key, int max)
    {
        while (true)
        {
            var current = _counts.GetValueOrDefault(key);
            if (current >= max)
            {
                return false;
            }

            if (current == 0 ? _counts.TryAdd(key, 1) : _counts.TryUpdate(key, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Leave(string key)
    {
        while (_counts.TryGetValue(key, out var current))
        {
            if (current <= 1 ? _counts.TryRemove(new KeyValuePair<string, int>(key, current)) : _counts.TryUpdate(key, current - 1, current))
            {
                return;
            }
        }
    }
}
