namespace OrleansMail.Index.Model;

/// <summary>Keyword lists are kept sorted and distinct so that equal flag sets compare equal byte for byte.</summary>
public static class Keywords
{
    public static readonly string[] None = [];

    public static string[] Normalize(IEnumerable<string>? keywords)
    {
        if (keywords is null)
        {
            return None;
        }

        var set = new SortedSet<string>(keywords, StringComparer.Ordinal);
        return set.Count == 0 ? None : [.. set];
    }

    public static string[] Union(string[] a, string[] b) => b.Length == 0 ? a : Normalize(a.Concat(b));

    public static string[] Except(string[] a, string[] b) => b.Length == 0 || a.Length == 0 ? a : Normalize(a.Except(b, StringComparer.Ordinal));
}
