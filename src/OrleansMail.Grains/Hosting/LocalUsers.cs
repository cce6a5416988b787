using System.Collections.Concurrent;

namespace OrleansMail.Grains.Hosting;

/// <summary>The users whose grains are active on this silo: what a draining silo moves elsewhere.</summary>
public sealed class LocalUsers
{
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);

    public void Add(string user) => _active.TryAdd(user, 0);

    public void Remove(string user) => _active.TryRemove(user, out _);

    public bool IsActive(string user) => _active.ContainsKey(user);

    public string[] Snapshot() => [.. _active.Keys];
}
