using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansMail.Imap.Protocol.Sorting;

/// <summary>
/// The base subject of RFC 5256 §2.1, by which SORT SUBJECT orders and THREAD groups: the decoded subject without
/// reply and forward markers ("Re:", "Fw:", "Fwd:"), "[blob]" prefixes, "(fwd)" trailers and "[fwd: ...]" wrappers,
/// whitespace collapsed, compared in i;unicode-casemap.
/// </summary>
public static partial class BaseSubject
{
    /// <summary>The base subject of an already decoded subject; <paramref name="isReplyOrForward"/> tells whether anything marked it so (ORDEREDSUBJECT and REFERENCES use that).</summary>
    public static string Extract(string? subject, out bool isReplyOrForward)
    {
        isReplyOrForward = false;
        if (string.IsNullOrEmpty(subject))
        {
            return "";
        }

        // The sender chooses the subject: each step below copies what is left, so a subject of 100,000 "Re: "
        // would cost quadratic time on every SORT. Orders and groups are decided well within the first KiB.
        if (subject.Length > MaxLength)
        {
            subject = subject[..MaxLength];
        }

        // (1) Tabs, line breaks and runs of whitespace become single spaces; the ends are trimmed.
        var text = Whitespace().Replace(subject, " ").Trim();
        while (true)
        {
            // (2) Trailers: "(fwd)" and trailing spaces, repeatedly.
            while (true)
            {
                if (text.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase))
                {
                    text = text[..^5].TrimEnd();
                    isReplyOrForward = true;
                    continue;
                }

                break;
            }

            // (3)-(5) Leaders: "re:", "fw:", "fwd:" with optional [blob]s before the colon, and [blob]s alone while
            // something remains after them.
            var changed = true;
            while (changed)
            {
                changed = false;
                var leader = Leader().Match(text);
                if (leader.Success)
                {
                    text = text[leader.Length..];
                    isReplyOrForward = true;
                    changed = true;
                    continue;
                }

                var blob = Blob().Match(text);
                if (blob.Success && blob.Length < text.Length && text[blob.Length..].Trim().Length > 0)
                {
                    text = text[blob.Length..];
                    changed = true;
                }
            }

            // (6) "[fwd: ...]" wrapping the whole subject: unwrap and start over.
            if (text.Length > 6 && text.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase) && text.EndsWith(']'))
            {
                text = text[5..^1].Trim();
                isReplyOrForward = true;
                continue;
            }

            return text;
        }
    }

    public static string Extract(string? subject) => Extract(subject, out _);

    /// <summary>How much of a subject is looked at (characters).</summary>
    public const int MaxLength = 1024;

    /// <summary>
    /// i;unicode-casemap (RFC 5051 §2): each character to its simple titlecase, then compatibility decomposition
    /// (NFKD); titlecased again, because a decomposition can give lower case back ("\uFB01" is "fi").
    /// </summary>
    public static string CaseMapped(string text) => Titlecased(Titlecased(text).Normalize(NormalizationForm.FormKD));

    /// <summary>
    /// Simple titlecase is simple uppercase except for the four Latin digraphs whose titlecase form is their own
    /// letter ("\u01C4", "\u01C5", "\u01C6" all become "\u01C5").
    /// </summary>
    private static string Titlecased(string text)
    {
        var upper = text.ToUpperInvariant();
        return upper.AsSpan().IndexOfAny(UpperDigraphs) < 0 ? upper : string.Create(upper.Length, upper, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is '\u01C4' or '\u01C7' or '\u01CA' or '\u01F1' ? (char)(c + 1) : c;
            }
        });
    }

    private static readonly SearchValues<char> UpperDigraphs = SearchValues.Create("\u01C4\u01C7\u01CA\u01F1");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"; subj-blob = "[" *BLOBCHAR "]" *WSP.
    [GeneratedRegex(@"^\s*(?:\[[^\[\]]*\]\s*)*(?:re|fwd?)\s*(?:\[[^\[\]]*\]\s*)?:\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Leader();

    [GeneratedRegex(@"^\s*\[[^\[\]]*\]\s*")]
    private static partial Regex Blob();
}
