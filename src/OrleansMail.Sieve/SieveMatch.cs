namespace OrleansMail.Sieve;

/// <summary>The comparators a script may name (RFC 4790): octets, ASCII case-folded, or the leading decimal number.</summary>
public enum SieveComparator
{
    Octet,
    AsciiCaseMap,
    AsciiNumeric,
}

/// <summary>:is, :contains, :matches (RFC 5228 §2.7.1) and the relational :value and :count (RFC 5231).</summary>
public enum SieveMatchType
{
    Is,
    Contains,
    Matches,
    Value,
    Count,

    /// <summary>:regex (draft-ietf-sieve-regex): POSIX-style extended expressions, run by a non-backtracking engine.</summary>
    Regex,
}

/// <summary>The relation of :value and :count (RFC 5231 §4).</summary>
public enum SieveRelation
{
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

/// <summary>
/// How a test compares: a comparator, a match type and, for :value and :count, a relation. :matches runs in time
/// linear in the value for each literal run of the pattern: the pattern is split at its stars and each piece is found
/// leftmost, never by backtracking, so no pattern can make a delivery slow.
/// </summary>
public sealed record SieveMatch(SieveComparator Comparator, SieveMatchType Type, SieveRelation Relation = SieveRelation.Eq)
{
    /// <summary>The keys of a :regex test, compiled when the script is: each key's expression.</summary>
    public IReadOnlyDictionary<string, System.Text.RegularExpressions.Regex>? Expressions { get; init; }

    public static readonly SieveMatch Default = new(SieveComparator.AsciiCaseMap, SieveMatchType.Is);

    /// <summary>Whether any value matches any key; :count counts the values instead.</summary>
    public bool Any(IReadOnlyCollection<string> values, IReadOnlyList<string> keys)
    {
        if (Type == SieveMatchType.Count)
        {
            var count = values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return keys.Any(k => Relate(CompareNumeric(count, k)));
        }

        foreach (var value in values)
        {
            foreach (var key in keys)
            {
                if (Test(value, key))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public bool Test(string value, string key) => Type switch
    {
        SieveMatchType.Is => Comparator == SieveComparator.AsciiNumeric ? CompareNumeric(value, key) == 0 : string.Equals(Fold(value), Fold(key), StringComparison.Ordinal),
        SieveMatchType.Contains => Fold(value).Contains(Fold(key), StringComparison.Ordinal),
        SieveMatchType.Matches => Glob(Fold(value), Fold(key)),
        SieveMatchType.Regex => Expressions![key].IsMatch(value),
        SieveMatchType.Value => Relate(Comparator == SieveComparator.AsciiNumeric ? CompareNumeric(value, key) : string.CompareOrdinal(Fold(value), Fold(key))),
        _ => false,
    };

    private bool Relate(int order) => Relation switch
    {
        SieveRelation.Gt => order > 0,
        SieveRelation.Ge => order >= 0,
        SieveRelation.Lt => order < 0,
        SieveRelation.Le => order <= 0,
        SieveRelation.Eq => order == 0,
        _ => order != 0,
    };

    private string Fold(string s)
    {
        if (Comparator != SieveComparator.AsciiCaseMap)
        {
            return s;
        }

        // ASCII letters only (RFC 4790 §9.2): no culture, no Unicode case mapping.
        return string.Create(s.Length, s, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
            }
        });
    }

    /// <summary>i;ascii-numeric (RFC 4790 §9.1): the leading digits as a number; a string without them is positive infinity.</summary>
    private static int CompareNumeric(string a, string b)
    {
        var x = LeadingDigits(a);
        var y = LeadingDigits(b);
        if (x is null || y is null)
        {
            return (x is null).CompareTo(y is null);
        }

        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
    }

    private static string? LeadingDigits(string s)
    {
        var end = 0;
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }

        return end == 0 ? null : s[..end].TrimStart('0') is { Length: > 0 } digits ? digits : "0";
    }

    /// <summary>* is any run of characters, ? exactly one, \ makes the next one literal.</summary>
    private static bool Glob(string value, string pattern)
    {
        var pieces = new List<List<char?>> { new() };
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                pieces[^1].Add(pattern[++i]);
            }
            else if (c == '*')
            {
                pieces.Add([]);
            }
            else
            {
                pieces[^1].Add(c == '?' ? null : c);
            }
        }

        if (pieces.Count == 1)
        {
            return pieces[0].Count == value.Length && PieceAt(value, 0, pieces[0]);
        }

        var first = pieces[0];
        var last = pieces[^1];
        if (first.Count + last.Count > value.Length || !PieceAt(value, 0, first) || !PieceAt(value, value.Length - last.Count, last))
        {
            return false;
        }

        var at = first.Count;
        var limit = value.Length - last.Count;
        for (var p = 1; p < pieces.Count - 1; p++)
        {
            var piece = pieces[p];
            var found = -1;
            for (var start = at; start + piece.Count <= limit; start++)
            {
                if (PieceAt(value, start, piece))
                {
                    found = start;
                    break;
                }
            }

            if (found < 0)
            {
                return false;
            }

            at = found + piece.Count;
        }

        return true;
    }

    private static bool PieceAt(string value, int start, List<char?> piece)
    {
        for (var i = 0; i < piece.Count; i++)
        {
            if (piece[i] is { } c && value[start + i] != c)
            {
                return false;
            }
        }

        return true;
    }
}
