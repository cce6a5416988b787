namespace OrleansMail.Imap;

/// <summary>
/// The messages of a sort kept up to date (RFC 5267 CONTEXT=SORT), in sort order, and the positions its changes
/// take. Positions count from 1. Each run of removals or insertions is told as one position and the messages that
/// sit side by side from there, in an order such that a client applying them one after another, each to the list
/// the previous one left, ends with this list.
/// </summary>
internal sealed class SortedResult
{
    private readonly SortOrder _order;
    private readonly Dictionary<uint, SortOrder.Entry> _byUid = [];
    private List<SortOrder.Entry> _sorted;

    public SortedResult(SortOrder order, IEnumerable<SortOrder.Entry> entries)
    {
        _order = order;
        _sorted = [.. entries];
        _sorted.Sort(order);
        foreach (var entry in _sorted)
        {
            _byUid[entry.Uid] = entry;
        }
    }

    public SortOrder Order => _order;

    public int Count => _sorted.Count;

    public IEnumerable<uint> Uids => _sorted.Select(e => e.Uid);

    public bool Contains(uint uid) => _byUid.ContainsKey(uid);

    /// <summary>
    /// Takes the messages out and returns the runs to tell, last position first, so that each run's position is
    /// still right when the client gets to it.
    /// </summary>
    public List<(int Position, List<uint> Uids)> Remove(IEnumerable<uint> uids)
    {
        var indexes = new List<int>();
        foreach (var uid in uids)
        {
            if (_byUid.Remove(uid, out var entry))
            {
                indexes.Add(_sorted.BinarySearch(entry, _order));
            }
        }

        if (indexes.Count == 0)
        {
            return [];
        }

        indexes.Sort();
        var runs = new List<(int Position, List<uint> Uids)>();
        for (var i = indexes.Count - 1; i >= 0;)
        {
            var start = i;
            while (start > 0 && indexes[start - 1] == indexes[start] - 1)
            {
                start--;
            }

            runs.Add((indexes[start] + 1, [.. indexes[start..(i + 1)].Select(x => _sorted[x].Uid)]));
            i = start - 1;
        }

        var removed = indexes.ToHashSet();
        _sorted = [.. _sorted.Where((_, index) => !removed.Contains(index))];
        return runs;
    }

    /// <summary>
    /// Puts the messages in their places and returns the runs to tell, first position first: each is inserted
    /// where it finally stands, and what stands before it is by then in place.
    /// </summary>
    public List<(int Position, List<uint> Uids)> Insert(IEnumerable<SortOrder.Entry> entries)
    {
        var added = entries.Where(e => _byUid.TryAdd(e.Uid, e)).ToList();
        if (added.Count == 0)
        {
            return [];
        }

        added.Sort(_order);
        var merged = new List<SortOrder.Entry>(_sorted.Count + added.Count);
        var finalIndexes = new List<int>(added.Count);
        var (kept, next) = (0, 0);
        while (kept < _sorted.Count || next < added.Count)
        {
            if (next < added.Count && (kept == _sorted.Count || _order.Compare(added[next], _sorted[kept]) < 0))
            {
                finalIndexes.Add(merged.Count);
                merged.Add(added[next++]);
            }
            else
            {
                merged.Add(_sorted[kept++]);
            }
        }

        _sorted = merged;
        var runs = new List<(int Position, List<uint> Uids)>();
        for (var i = 0; i < finalIndexes.Count;)
        {
            var end = i;
            while (end + 1 < finalIndexes.Count && finalIndexes[end + 1] == finalIndexes[end] + 1)
            {
                end++;
            }

            runs.Add((finalIndexes[i] + 1, [.. added[i..(end + 1)].Select(e => e.Uid)]));
            i = end + 1;
        }

        return runs;
    }
}
