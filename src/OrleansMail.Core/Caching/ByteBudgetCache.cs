namespace OrleansMail.Caching;

/// <summary>
/// A least-recently-used cache bounded by the bytes its values take (as the caller measures them), not by their
/// number: what a silo holds then follows its configuration, whatever the messages look like. Thread-safe.
/// </summary>
public sealed class ByteBudgetCache<TKey, TValue>
    where TKey : notnull
{
    private readonly long _maxBytes;
    private readonly Func<TValue, long> _sizeOf;
    private readonly Action<TKey, TValue>? _dropped;
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries;
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _lock = new();
    private long _bytes;
    private long _evictions;

    /// <param name="dropped">Told, outside the lock, of each value evicted or refused as too large (not of one replaced under its key): for a cache whose values stand for something to release, such as files.</param>
    public ByteBudgetCache(long maxBytes, Func<TValue, long> sizeOf, IEqualityComparer<TKey>? comparer = null, Action<TKey, TValue>? dropped = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        (_maxBytes, _sizeOf, _dropped) = (maxBytes, sizeOf, dropped);
        _entries = new Dictionary<TKey, LinkedListNode<Entry>>(comparer);
    }

    public long MaxBytes => _maxBytes;

    /// <summary>What the values held now take, as measured when they were added.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Values dropped to make room since the cache was made.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    public CacheUsage Usage()
    {
        lock (_lock)
        {
            return new CacheUsage(_bytes, _entries.Count, _maxBytes, _evictions);
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Adds or replaces a value; one larger than a quarter of the budget is not kept (it would flush the rest).</summary>
    public void Set(TKey key, TValue value)
    {
        var size = _sizeOf(value);
        List<Entry>? dropped = null;
        lock (_lock)
        {
            if (_entries.Remove(key, out var old))
            {
                _order.Remove(old);
                _bytes -= old.Value.Size;
            }

            if (size > _maxBytes / 4)
            {
                (dropped ??= []).Add(new Entry(key, value, size));
            }
            else
            {
                _entries[key] = _order.AddFirst(new Entry(key, value, size));
                _bytes += size;
                while (_bytes > _maxBytes && _order.Last is { } last)
                {
                    _order.RemoveLast();
                    _entries.Remove(last.Value.Key);
                    _bytes -= last.Value.Size;
                    _evictions++;
                    (dropped ??= []).Add(last.Value);
                }
            }
        }

        if (_dropped is not null && dropped is not null)
        {
            foreach (var entry in dropped)
            {
                _dropped(entry.Key, entry.Value);
            }
        }
    }

    /// <summary>Adds a value unless one is held for the key already.</summary>
    public void TryAdd(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }
        }

        Set(key, value);
    }

    public void Remove(TKey key)
    {
        lock (_lock)
        {
            if (_entries.Remove(key, out var node))
            {
                _order.Remove(node);
                _bytes -= node.Value.Size;
            }
        }
    }

    private readonly record struct Entry(TKey Key, TValue Value, long Size);
}
