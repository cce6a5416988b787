using System.Globalization;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// RFC 9394's PARTIAL return option: which results, by 1-based position, a SEARCH or SORT returns: "1:100" from the
/// first, "-1:-100" from the last (the order of the two ends does not matter).
/// </summary>
public readonly record struct PartialRange(long From, long To)
{
    public bool FromEnd => From < 0;

    public static PartialRange Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)
            || a == 0 || b == 0 || (a < 0) != (b < 0) || Math.Abs(a) > uint.MaxValue || Math.Abs(b) > uint.MaxValue)
        {
            throw new ImapSyntaxException("Invalid PARTIAL range");
        }

        return a < 0 ? new PartialRange(Math.Max(a, b), Math.Min(a, b)) : new PartialRange(Math.Min(a, b), Math.Max(a, b));
    }

    /// <summary>The results in range, in their order (for -1:-10, the last ten, still in ascending order).</summary>
    public List<uint> Take(IReadOnlyList<uint> results)
    {
        long first, last;
        if (FromEnd)
        {
            first = results.Count + To;     // -10 from a list of 100: index 90
            last = results.Count + From;    // -1: index 99
        }
        else
        {
            first = From - 1;
            last = To - 1;
        }

        first = Math.Max(first, 0);
        last = Math.Min(last, results.Count - 1);
        return first > last ? [] : [.. results.Skip((int)first).Take((int)(last - first + 1))];
    }

    public override string ToString() => $"{From.ToString(CultureInfo.InvariantCulture)}:{To.ToString(CultureInfo.InvariantCulture)}";
}
