using System.Globalization;

namespace OrleansMail.Imap.Protocol;

/// <summary>
/// A sequence-set (RFC 3501 §9: "1:4,7,9:*"): ranges of message numbers or UIDs where "*" stands for the largest in
/// use, resolved only when the command runs. "$" (RFC 5182) is the saved search result.
/// </summary>
public sealed class ImapSequenceSet
{
    private ImapSequenceSet((uint?, uint?)[] ranges, bool saved)
    {
        Ranges = ranges;
        IsSavedResult = saved;
    }

    /// <summary>
    /// The ranges as written; null where "*" was written. "*" is not a number: 4294967295, the largest nz-number,
    /// is a UID like any other (RFC 3501 §9), and "1:4294967295" is valid.
    /// </summary>
    public IReadOnlyList<(uint? First, uint? Last)> Ranges { get; }

    public bool IsSavedResult { get; }

    public static bool TryParse(string text, out ImapSequenceSet set)
    {
        set = null!;
        if (text == "$")
        {
            set = new ImapSequenceSet([], true);
            return true;
        }

        var ranges = new List<(uint?, uint?)>();
        foreach (var part in text.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                if (!TryNumber(part, out var n))
                {
                    return false;
                }

                ranges.Add((n, n));
                continue;
            }

            if (!TryNumber(part[..colon], out var a) || !TryNumber(part[(colon + 1)..], out var b))
            {
                return false;
            }

            ranges.Add((a, b));
        }

        set = new ImapSequenceSet([.. ranges], false);
        return true;
    }

    /// <summary>The set with "*" replaced by <paramref name="largest"/> (RFC 3501: "*" is the largest number in use; with none, "*" still means it).</summary>
    public IEnumerable<(uint First, uint Last)> Resolve(uint largest)
    {
        foreach (var (first, last) in Ranges)
        {
            var a = first ?? largest;
            var b = last ?? largest;
            yield return a <= b ? (a, b) : (b, a);
        }
    }

    private static bool TryNumber(string text, out uint? value)
    {
        value = null;
        if (text == "*")
        {
            return true;
        }

        // RFC 3501 nz-number: no sign, no leading zero, not 0, at most 4294967295.
        if (text.Length == 0 || text[0] == '0' || !text.All(char.IsAsciiDigit) || !uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        value = number;
        return true;
    }

    public override string ToString() => IsSavedResult ? "$" : string.Join(',', Ranges.Select(r => r.First == r.Last ? Show(r.First) : $"{Show(r.First)}:{Show(r.Last)}"));

    private static string Show(uint? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "*";
}
