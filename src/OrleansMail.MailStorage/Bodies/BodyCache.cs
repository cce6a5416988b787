namespace OrleansMail.MailStorage.Bodies;

/// <summary>A byte-bounded LRU of immutable byte arrays shared by every session of the silo.</summary>
internal sealed class BodyCache(long maxBytes)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, byte[] Value)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, byte[] Value)> _order = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public bool TryGet(string key, out byte[] value)
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

        value = [];
        return false;
    }

    public void Add(string key, byte[] value)
    {
        if (value.Length > maxBytes / 4)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            _entries[key] = _order.AddFirst((key, value));
            _bytes += value.Length;
            while (_bytes > maxBytes && _order.Last is { } last)
            {
                _order.RemoveLast();
                _entries.Remove(last.Value.Key);
                _bytes -= last.Value.Value.Length;
            }
        }
    }
}
