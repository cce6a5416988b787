namespace OrleansMail.Imap;

/// <summary>
/// A SEARCH or SORT kept up to date (RFC 5267 CONTEXT=SEARCH and CONTEXT=SORT, RETURN (UPDATE)): its program and
/// the UIDs it matches now, in sort order for a SORT; the session tells the client what joins and leaves (ADDTO,
/// REMOVEFROM) as the mailbox changes.
/// </summary>
internal sealed class SearchContext
{
    private readonly HashSet<uint> _matches;

    public SearchContext(string tag, bool uid, SearchMatcher key, IEnumerable<uint> matches)
    {
        (Tag, Uid, Key) = (tag, uid, key);
        _matches = [.. matches];
    }

    public SearchContext(string tag, bool uid, SearchMatcher key, SortedResult sorted)
    {
        (Tag, Uid, Key, Sorted) = (tag, uid, key, sorted);
        _matches = [];
    }

    public string Tag { get; }

    /// <summary>The client asked with UID SEARCH or UID SORT: updates name UIDs, else sequence numbers.</summary>
    public bool Uid { get; }

    public SearchMatcher Key { get; }

    /// <summary>For a SORT, the result in sort order; null for a SEARCH, whose positions are 0.</summary>
    public SortedResult? Sorted { get; }

    /// <summary>How many messages the context holds, against the selection's budget.</summary>
    public int Count => Sorted?.Count ?? _matches.Count;

    public bool Contains(uint uid) => Sorted?.Contains(uid) ?? _matches.Contains(uid);

    /// <summary>Takes messages out of an unsorted result; true for those it held.</summary>
    public bool RemoveUnsorted(uint uid) => _matches.Remove(uid);

    public bool AddUnsorted(uint uid) => _matches.Add(uid);
}
