using System.Collections;

namespace OrleansMail.Mail;

/// <summary>An immutable, sorted set of UIDs kept as disjoint inclusive ranges, like an IMAP sequence set after normalisation.</summary>
public sealed class UidSet : IEnumerable<uint>, IEquatable<UidSet>
{
    public static readonly UidSet Empty = new([]);

    private readonly (uint First, uint Last)[] _ranges;

    private UidSet((uint First, uint Last)[] normalized) => _ranges = normalized;

    public IReadOnlyList<(uint First, uint Last)> Ranges => _ranges;

    public bool IsEmpty => _ranges.Length == 0;

    public long Count
    {
        get
        {
            long n = 0;
            foreach (var (first, last) in _ranges)
            {
                n += (long)last - first + 1;
            }

            return n;
        }
    }

    public static UidSet Of(params uint[] uids) => FromRanges(uids.Select(u => (u, u)));

    public static UidSet Range(uint first, uint last) => first > last ? Empty : new([(first, last)]);

    /// <summary>Builds a set from ranges in any order, overlapping or adjacent; ranges with First &gt; Last are swapped as IMAP allows ("5:2").</summary>
    public static UidSet FromRanges(IEnumerable<(uint First, uint Last)> ranges)
    {
        var list = ranges.Select(r => r.First <= r.Last ? r : (First: r.Last, Last: r.First)).ToList();
        if (list.Count == 0)
        {
            return Empty;
        }

        list.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<(uint First, uint Last)>(list.Count) { list[0] };
        for (var i = 1; i < list.Count; i++)
        {
            var (first, last) = merged[^1];
            var next = list[i];
            if ((ulong)next.First <= (ulong)last + 1)
            {
                merged[^1] = (first, Math.Max(last, next.Last));
            }
            else
            {
                merged.Add(next);
            }
        }

        return new UidSet([.. merged]);
    }

    public bool Contains(uint uid)
    {
        int lo = 0, hi = _ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var (first, last) = _ranges[mid];
            if (uid < first)
            {
                hi = mid - 1;
            }
            else if (uid > last)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    public UidSet Union(UidSet other) => FromRanges(_ranges.Concat(other._ranges));

    public UidSet Intersect(UidSet other)
    {
        var result = new List<(uint, uint)>();
        int i = 0, j = 0;
        while (i < _ranges.Length && j < other._ranges.Length)
        {
            var (a1, a2) = _ranges[i];
            var (b1, b2) = other._ranges[j];
            var lo = Math.Max(a1, b1);
            var hi = Math.Min(a2, b2);
            if (lo <= hi)
            {
                result.Add((lo, hi));
            }

            if (a2 < b2)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result.Count == 0 ? Empty : new UidSet([.. result]);
    }

    public UidSet Except(UidSet other)
    {
        var result = new List<(uint, uint)>();
        foreach (var (first, last) in _ranges)
        {
            ulong start = first;
            foreach (var (b1, b2) in other._ranges)
            {
                if (b2 < start || b1 > last)
                {
                    continue;
                }

                if (b1 > start)
                {
                    result.Add(((uint)start, b1 - 1));
                }

                start = (ulong)b2 + 1;
                if (start > last)
                {
                    break;
                }
            }

            if (start <= last)
            {
                result.Add(((uint)start, last));
            }
        }

        return result.Count == 0 ? Empty : new UidSet([.. result]);
    }

    public IEnumerator<uint> GetEnumerator()
    {
        foreach (var (first, last) in _ranges)
        {
            for (ulong u = first; u <= last; u++)
            {
                yield return (uint)u;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(UidSet? other) => other is not null && _ranges.AsSpan().SequenceEqual(other._ranges);

    public override bool Equals(object? obj) => Equals(obj as UidSet);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var r in _ranges)
        {
            h.Add(r);
        }

        return h.ToHashCode();
    }

    /// <summary>IMAP form: "1:3,7,9:12".</summary>
    public override string ToString() =>
        string.Join(',', _ranges.Select(r => r.First == r.Last ? r.First.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{r.First}:{r.Last}"));
}
