using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OrleansMail.Index.Model;

/// <summary>
/// A map from body id to an int, built for the index of a very large mailbox: 20 bytes an entry where a
/// <see cref="Dictionary{TKey, TValue}"/> takes 32 and up to 16 % more for its prime-sized table. What the index was
/// loaded with sits in two sorted arrays (binary search, no slack); what is added later goes to a small dictionary,
/// folded into the arrays once it grows past an eighth of them; a removal marks its slot.
/// </summary>
public sealed class BodyMap
{
    private const int Removed = int.MinValue;
    private const int MinimumFoldSize = 1024;

    private Key[] _keys = [];
    private int[] _values = [];
    private int _removedFromSorted;
    private readonly Dictionary<Guid, int> _added = [];

    public int Count => _keys.Length - _removedFromSorted + _added.Count;

    /// <summary>
    /// The map of <paramref name="count"/> pairs, given in any order; a body given more than once keeps the largest
    /// value and is reported to <paramref name="onRepeat"/> each time after its first.
    /// </summary>
    public static BodyMap Build(Guid[] bodies, int[] values, int count, Action<Guid>? onRepeat = null)
    {
        var keys = new Key[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = Key.Of(bodies[i]);
        }

        var sortedValues = values.AsSpan(0, count).ToArray();
        Array.Sort(keys, sortedValues);
        var unique = 0;
        for (var i = 0; i < count; i++)
        {
            if (unique > 0 && keys[unique - 1].Equals(keys[i]))
            {
                sortedValues[unique - 1] = Math.Max(sortedValues[unique - 1], sortedValues[i]);
                onRepeat?.Invoke(keys[i].ToGuid());
                continue;
            }

            keys[unique] = keys[i];
            sortedValues[unique] = sortedValues[i];
            unique++;
        }

        var map = new BodyMap();
        map._keys = unique == count ? keys : keys.AsSpan(0, unique).ToArray();
        map._values = unique == count ? sortedValues : sortedValues.AsSpan(0, unique).ToArray();
        return map;
    }

    public bool ContainsKey(Guid body) => TryGetValue(body, out _);

    public bool TryGetValue(Guid body, out int value)
    {
        var at = Array.BinarySearch(_keys, Key.Of(body));
        if (at >= 0 && _values[at] != Removed)
        {
            value = _values[at];
            return true;
        }

        return _added.TryGetValue(body, out value);
    }

    /// <summary>Adds <paramref name="body"/> or replaces its value.</summary>
    public void Set(Guid body, int value)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(value, Removed);
        var at = Array.BinarySearch(_keys, Key.Of(body));
        if (at >= 0)
        {
            if (_values[at] == Removed)
            {
                _removedFromSorted--;
            }

            _values[at] = value;
            return;
        }

        _added[body] = value;
        if (_added.Count > Math.Max(MinimumFoldSize, _keys.Length / 8))
        {
            Fold();
        }
    }

    public bool Remove(Guid body)
    {
        var at = Array.BinarySearch(_keys, Key.Of(body));
        if (at >= 0 && _values[at] != Removed)
        {
            _values[at] = Removed;
            _removedFromSorted++;
            if (_removedFromSorted > Math.Max(MinimumFoldSize, _keys.Length / 4))
            {
                Fold();
            }

            return true;
        }

        return _added.Remove(body);
    }

    public IEnumerable<Guid> Keys
    {
        get
        {
            for (var i = 0; i < _keys.Length; i++)
            {
                if (_values[i] != Removed)
                {
                    yield return _keys[i].ToGuid();
                }
            }

            foreach (var body in _added.Keys)
            {
                yield return body;
            }
        }
    }

    public IEnumerable<int> Values
    {
        get
        {
            foreach (var value in _values)
            {
                if (value != Removed)
                {
                    yield return value;
                }
            }

            foreach (var value in _added.Values)
            {
                yield return value;
            }
        }
    }

    public BodyMap Clone()
    {
        var copy = new BodyMap { _keys = (Key[])_keys.Clone(), _values = (int[])_values.Clone(), _removedFromSorted = _removedFromSorted };
        foreach (var (body, value) in _added)
        {
            copy._added.Add(body, value);
        }

        return copy;
    }

    /// <summary>Merges the additions into the sorted arrays and drops the removed slots: O(entries), every eighth of them added.</summary>
    private void Fold()
    {
        var added = new Key[_added.Count];
        var addedValues = new int[_added.Count];
        var n = 0;
        foreach (var (body, value) in _added)
        {
            added[n] = Key.Of(body);
            addedValues[n++] = value;
        }

        Array.Sort(added, addedValues);
        var count = Count;
        var keys = new Key[count];
        var values = new int[count];
        int i = 0, j = 0, k = 0;
        while (i < _keys.Length || j < added.Length)
        {
            if (i < _keys.Length && _values[i] == Removed)
            {
                i++;
            }
            else if (j >= added.Length || (i < _keys.Length && _keys[i].CompareTo(added[j]) < 0))
            {
                keys[k] = _keys[i];
                values[k++] = _values[i++];
            }
            else
            {
                keys[k] = added[j];
                values[k++] = addedValues[j++];
            }
        }

        _keys = keys;
        _values = values;
        _removedFromSorted = 0;
        _added.Clear();
        _added.TrimExcess();
    }

    /// <summary>A body id as two integers: compared without <see cref="Guid.CompareTo(Guid)"/>'s field-by-field work.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Key(ulong high, ulong low) : IComparable<Key>, IEquatable<Key>
    {
        private readonly ulong _high = high;
        private readonly ulong _low = low;

        public static Key Of(Guid body)
        {
            var halves = MemoryMarshal.Cast<Guid, ulong>(new ReadOnlySpan<Guid>(in body));
            return new Key(halves[0], halves[1]);
        }

        public Guid ToGuid()
        {
            var copy = this;
            return Unsafe.As<Key, Guid>(ref copy);
        }

        public int CompareTo(Key other) => _high != other._high ? _high.CompareTo(other._high) : _low.CompareTo(other._low);

        public bool Equals(Key other) => _high == other._high && _low == other._low;

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_high, _low);
    }
}
