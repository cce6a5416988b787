using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansMail.Imap.Protocol;

/// <summary>
/// An IMAP URL naming one message or part (RFC 5092), as CATENATE uses them (RFC 4469 §3): absolute
/// ("imap://user@host/Box;UIDVALIDITY=9/;UID=20/;SECTION=1.2/;PARTIAL=0.512"), from the root ("/Box/;UID=20"), or
/// relative to the selected mailbox (";UID=20/;SECTION=TEXT"). The mailbox is percent-encoded UTF-8.
/// </summary>
public sealed partial record ImapUrl(string? User, string? Mailbox, uint? UidValidity, uint Uid, string Section, long? PartialOffset, long? PartialLength)
{
    public static bool TryParse(string text, out ImapUrl url)
    {
        url = null!;
        var match = Grammar().Match(text);
        if (!match.Success)
        {
            return false;
        }

        string? mailbox = null;
        if (match.Groups["mailbox"].Success)
        {
            try
            {
                mailbox = Uri.UnescapeDataString(match.Groups["mailbox"].Value);
            }
            catch (UriFormatException)
            {
                return false;
            }

            if (mailbox.Length == 0)
            {
                return false;
            }
        }

        if (!uint.TryParse(match.Groups["uid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) || uid == 0)
        {
            return false;
        }

        uint? validity = null;
        if (match.Groups["validity"].Success)
        {
            if (!uint.TryParse(match.Groups["validity"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v == 0)
            {
                return false;
            }

            validity = v;
        }

        long? offset = null;
        long? length = null;
        if (match.Groups["offset"].Success)
        {
            if (!long.TryParse(match.Groups["offset"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var o))
            {
                return false;
            }

            offset = o;
            if (match.Groups["length"].Success)
            {
                if (!long.TryParse(match.Groups["length"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l == 0)
                {
                    return false;
                }

                length = l;
            }
        }

        var user = match.Groups["user"].Success ? Uri.UnescapeDataString(match.Groups["user"].Value) : null;
        var section = match.Groups["section"].Success ? Uri.UnescapeDataString(match.Groups["section"].Value) : "";
        url = new ImapUrl(user, mailbox, validity, uid, section, offset, length);
        return true;
    }

    // imap://[user[;AUTH=...]@]host[:port] then /mailbox[;UIDVALIDITY=n], or /mailbox alone, or nothing (relative);
    // then /;UID=n (or ;UID=n when relative), [/;SECTION=...], [/;PARTIAL=o[.l]]. Case-insensitive keywords.
    [GeneratedRegex(
        @"^(?:imap://(?:(?<user>[^;@/]+)(?:;AUTH=[^@/]+)?@)?[^/]+)?(?:/(?<mailbox>[^;/]*(?:/[^;/]+)*)(?:;UIDVALIDITY=(?<validity>\d+))?/)?;UID=(?<uid>\d+)(?:/;SECTION=(?<section>[^/;]*))?(?:/;PARTIAL=(?<offset>\d+)(?:\.(?<length>\d+))?)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
