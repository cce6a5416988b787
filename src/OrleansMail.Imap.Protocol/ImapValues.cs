using System.Globalization;
using OrleansMail.Mail;

namespace OrleansMail.Imap.Protocol;

/// <summary>Parses the value syntaxes commands share: flag lists and dates (RFC 3501 §9: flag-list, date, date-time).</summary>
public static class ImapValues
{
    private const int MaxKeywordsPerCommand = 64;

    /// <summary>Parses a flag list (STORE, APPEND); \Recent and unknown system flags are refused as RFC 3501 asks.</summary>
    
    public static (MessageFlags Flags, string[] Keywords) ParseFlags(IEnumerable<ImapToken> tokens)
    {
        var flags = MessageFlags.None;
        var keywords = new List<string>();
        var distinct = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in tokens)
        {
            if (!token.IsAtom)
            {
                throw new ImapSyntaxException("Flags are atoms");
            }

            var text = token.Text;
            if (text.StartsWith('\\'))
            {
                flags |= FlagNames.TryParseSystem(text, out var flag) ? flag
                    : string.Equals(text, @"\Recent", StringComparison.OrdinalIgnoreCase) ? throw new ImapSyntaxException(@"\Recent cannot be set")
                    : throw new ImapSyntaxException($"Unknown system flag {text}");
            }
            else if (FlagNames.IsValidKeyword(text))
            {
                if (distinct.Add(text))
                {
                    if (keywords.Count == MaxKeywordsPerCommand)
                    {
                        throw new ImapSyntaxException($"At most {MaxKeywordsPerCommand} keywords at once");
                    }

                    keywords.Add(text);
                }
            }
            else
            {
                throw new ImapSyntaxException($"Invalid keyword {text}");
            }
        }

        return (flags, [.. keywords]);
    }

    private static readonly string[] DateFormats = ["d-MMM-yyyy HH:mm:ss zzz", "dd-MMM-yyyy HH:mm:ss zzz"];

    /// <summary>Parses an APPEND date-time ("17-Jul-1996 02:44:25 -0700").</summary>
    public static DateTimeOffset ParseDateTime(string text)
    {
        var trimmed = text.Trim();
        var zone = trimmed.Length > 5 ? trimmed[^5..] : "";
        if (zone.Length == 5 && (zone[0] is '+' or '-'))
        {
            trimmed = trimmed[..^5] + zone[..3] + ":" + zone[3..];
        }

        return DateTimeOffset.TryParseExact(trimmed, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : throw new ImapSyntaxException("Invalid date-time");
    }

    /// <summary>Parses a SEARCH date ("1-Feb-1994").</summary>
    public static DateOnly ParseDate(string text) =>
        DateOnly.TryParseExact(text, ["d-MMM-yyyy", "dd-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : throw new ImapSyntaxException("Invalid date");
}
