namespace OrleansMail.Index.Model;

/// <summary>
/// The distinct keyword lists of a set of records, each held once: records are immutable, so every record with the
/// same keywords can share one array (a snapshot read), and a listing can send each list once (SELECT's pages).
/// </summary>
public sealed class KeywordSets
{
    // Records read from one snapshot already share their arrays: the reference is tried before the content.
    private readonly Dictionary<string[], int> _byReference = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _byContent = new(StringComparer.Ordinal);
    private readonly List<string[]> _lists = [Keywords.None];

    /// <summary>Every distinct list so far, the empty one first.</summary>
    public IReadOnlyList<string[]> Lists => _lists;

    /// <summary>The position of this list in <see cref="Lists"/>, added when new; 0 for none.</summary>
    public int IndexOf(string[] keywords)
    {
        if (keywords.Length == 0)
        {
            return 0;
        }

        if (_byReference.TryGetValue(keywords, out var known))
        {
            return known;
        }

        var key = string.Join('\n', keywords); // keywords are atoms: no line breaks inside one
        if (!_byContent.TryGetValue(key, out known))
        {
            _byContent[key] = known = _lists.Count;
            _lists.Add(keywords);
        }

        _byReference[keywords] = known;
        return known;
    }

    /// <summary>The one array held for lists equal to <paramref name="keywords"/>.</summary>
    public string[] Share(string[] keywords) => _lists[IndexOf(keywords)];
}
