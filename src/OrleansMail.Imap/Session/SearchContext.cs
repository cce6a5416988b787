namespace OrleansMail.Imap;

/// <summary>
/// A SEARCH kept up to date (RFC 5267 CONTEXT=SEARCH, RETURN (UPDATE)): its program and the UIDs it matches now;
/// the session tells the client what joins and leaves (ADDTO, REMOVEFROM) as the mailbox changes.
/// </summary>
internal sealed class SearchContext(string tag, bool uid, SearchMatcher key, IEnumerable<uint> matches)
{
    public string Tag { get; } = tag;

    /// <summary>The client asked with UID SEARCH: updates name UIDs, else sequence numbers.</summary>
    public bool Uid { get; } = uid;

    public SearchMatcher Key { get; } = key;

    public HashSet<uint> Matches { get; } = [.. matches];
}
