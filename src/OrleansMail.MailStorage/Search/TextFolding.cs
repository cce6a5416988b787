namespace OrleansMail.MailStorage.Search;

/// <summary>
/// How SEARCH text is cut into words and folded, the same for what is indexed and what is asked, so that a
/// substring match (RFC 3501 §6.4.4, case-insensitive) always implies an index hit: a needle's words are substrings
/// of the haystack's words, and every character that is not a letter or digit separates words in both.
/// </summary>
public static class TextFolding
{
    /// <summary>Longest word indexed; a longer one marks its field partial (searched by reading the message).</summary>
    public const int MaxWordLength = 120;

    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c);

    /// <summary>The fold <see cref="StringComparison.OrdinalIgnoreCase"/> compares by: invariant upper case, character by character.</summary>
    public static string Fold(ReadOnlySpan<char> text)
    {
        // Runs for every word of every message indexed: fold into a stack buffer, allocate the result once.
        Span<char> folded = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            folded[i] = char.ToUpperInvariant(text[i]);
        }

        return new string(folded);
    }

    /// <summary>The folded words of <paramref name="text"/>, in order; <paramref name="tooLong"/> is set when one was longer than <see cref="MaxWordLength"/> (it is left out).</summary>
    public static void Words(string text, Action<string> word, ref bool tooLong)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && IsWordChar(text[i]))
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                if (i - start > MaxWordLength)
                {
                    tooLong = true;
                }
                else
                {
                    word(Fold(text.AsSpan(start, i - start)));
                }

                start = -1;
            }
        }
    }

    /// <summary>
    /// A needle as index terms: its folded words, whether the first may be the tail of a longer word (the needle does
    /// not start at a separator) and the last the head of one; empty when the needle has no word.
    /// </summary>
    public static NeedleWords Needle(string needle)
    {
        var words = new List<string>();
        var tooLong = false;
        Words(needle, words.Add, ref tooLong);
        return new NeedleWords(
            words,
            OpenStart: needle.Length > 0 && IsWordChar(needle[0]),
            OpenEnd: needle.Length > 0 && IsWordChar(needle[^1]),
            TooLong: tooLong,
            IsOneWord: words.Count == 1 && !tooLong && needle.Length == words[0].Length);
    }
}

/// <summary>
/// A SEARCH needle as the index sees it. <see cref="IsOneWord"/>: the needle is one word and nothing else, so an
/// index hit is a match, not only a candidate.
/// </summary>
public sealed record NeedleWords(IReadOnlyList<string> Words, bool OpenStart, bool OpenEnd, bool TooLong, bool IsOneWord);
