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
        SieveMatchType.Regex => IsMatch(Regex(key), value),
        SieveMatchType.Value => Relate(Comparator == SieveComparator.AsciiNumeric ? CompareNumeric(value, key) : string.CompareOrdinal(Fold(value), Fold(key))),
        _ => false,
    };

    /// <summary>A match past the engine's timeout (linear, but a megabyte of value is still work) fails the run, which keeps the message.</summary>
    private static bool IsMatch(System.Text.RegularExpressions.Regex regex, string value)
    {
        try
        {
            return regex.IsMatch(value);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            throw new SieveRuntimeException("a regular expression ran past its time");
        }
    }

    /// <summary>The expression of a :regex key: compiled with the script, or now for a key built from variables.</summary>
    private System.Text.RegularExpressions.Regex Regex(string key)
    {
        if (Expressions is not null && Expressions.TryGetValue(key, out var compiled))
        {
            return compiled;
        }

        if (key.Length > SieveScript.MaxRegexLength)
        {
            throw new SieveRuntimeException($"a regular expression longer than {SieveScript.MaxRegexLength} characters");
        }

        try
        {
            return CreateRegex(key, Comparator);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new SieveRuntimeException($"the regular expression \"{key}\" cannot be used: {e.Message}");
        }
    }

    /// <summary>
    /// A :regex key on .NET's non-backtracking engine: linear in the value whatever the expression; what it cannot
    /// run (backreferences, lookaround) throws. i;ascii-casemap ignores case, i;octet does not.
    /// </summary>
    public static System.Text.RegularExpressions.Regex CreateRegex(string key, SieveComparator comparator)
    {
        var options = System.Text.RegularExpressions.RegexOptions.NonBacktracking | System.Text.RegularExpressions.RegexOptions.CultureInvariant;
        if (comparator == SieveComparator.AsciiCaseMap)
        {
            options |= System.Text.RegularExpressions.RegexOptions.IgnoreCase;
        }

        return new System.Text.RegularExpressions.Regex(key, options, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>
    /// For :matches and :regex: what matched, ${0} the whole value and then each wildcard (* or ?) or group in
    /// order, each * as short as the leftmost match allows; null when the key does not match.
    /// </summary>
    public IReadOnlyList<string>? Capture(string value, string key)
    {
        if (Type == SieveMatchType.Regex)
        {
            System.Text.RegularExpressions.Match found;
            try
            {
                found = Regex(key).Match(value);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                throw new SieveRuntimeException("a regular expression ran past its time");
            }

            return found.Success ? [.. found.Groups.Cast<System.Text.RegularExpressions.Group>().Select(g => g.Value)] : null;
        }

        var captures = new List<(int Position, string Text)>();
        return Glob(Fold(value), Fold(key), captures, value) ? [value, .. captures.OrderBy(c => c.Position).Select(c => c.Text)] : null;
    }

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

    /// <summary>
    /// * is any run of characters, ? exactly one, \ makes the next one literal. With <paramref name="captures"/>,
    /// each wildcard's text in <paramref name="original"/> (the value before folding) is added with its place in
    /// the pattern.
    /// </summary>
    private static bool Glob(string value, string pattern, List<(int Position, string Text)>? captures = null, string? original = null)
    {
        // Each piece: its characters (null for ?) with the pattern position of each ?; pieces are separated by stars.
        var pieces = new List<List<char?>> { new() };
        var questionAt = new List<List<int>> { new() };
        var starAt = new List<int>();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                pieces[^1].Add(pattern[++i]);
                questionAt[^1].Add(-1);
            }
            else if (c == '*')
            {
                starAt.Add(i);
                pieces.Add([]);
                questionAt.Add([]);
            }
            else
            {
                pieces[^1].Add(c == '?' ? null : c);
                questionAt[^1].Add(c == '?' ? i : -1);
            }
        }

        var starts = new int[pieces.Count];
        if (pieces.Count == 1)
        {
            if (pieces[0].Count != value.Length || !PieceAt(value, 0, pieces[0]))
            {
                return false;
            }
        }
        else
        {
            var first = pieces[0];
            var last = pieces[^1];
            if (first.Count + last.Count > value.Length || !PieceAt(value, 0, first) || !PieceAt(value, value.Length - last.Count, last))
            {
                return false;
            }

            starts[^1] = value.Length - last.Count;
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

                starts[p] = found;
                at = found + piece.Count;
            }
        }

        if (captures is not null)
        {
            var text = original ?? value;
            for (var p = 0; p < pieces.Count; p++)
            {
                for (var k = 0; k < pieces[p].Count; k++)
                {
                    if (questionAt[p][k] >= 0)
                    {
                        captures.Add((questionAt[p][k], text.Substring(starts[p] + k, 1)));
                    }
                }

                if (p + 1 < pieces.Count)
                {
                    var from = starts[p] + pieces[p].Count;
                    captures.Add((starAt[p], text[from..starts[p + 1]]));
                }
            }
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
