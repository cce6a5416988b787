namespace OrleansMail.Imap;

/// <summary>The values of one sort key for every message found, compared by position.</summary>
internal abstract class SortColumn
{
    public abstract int Compare(int a, int b);

    public static SortColumn Of(IEnumerable<long> values) => new Numbers([.. values]);

    public static SortColumn Of(IEnumerable<string> values) => new Texts([.. values]);

    private sealed class Numbers(long[] values) : SortColumn
    {
        public override int Compare(int a, int b) => values[a].CompareTo(values[b]);
    }

    private sealed class Texts(string[] values) : SortColumn
    {
        public override int Compare(int a, int b) => string.CompareOrdinal(values[a], values[b]);
    }
}
