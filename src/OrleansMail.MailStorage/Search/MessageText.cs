using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace OrleansMail.MailStorage.Search;

/// <summary>
/// The MIME-aware text operations SEARCH needs (RFC 3501 §6.4.4: matching is on decoded text, case-insensitive),
/// kept here so the protocol servers never parse MIME themselves.
/// </summary>
public static class MessageText
{
    /// <summary>A raw header value with its encoded words (RFC 2047) decoded.</summary>
    public static string Decode(string? raw) => raw is null ? "" : Rfc2047.DecodeText(Encoding.UTF8.GetBytes(raw));

    public static bool Contains(string? haystack, string needle) =>
        needle.Length == 0 || (haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a header block has <paramref name="field"/> with <paramref name="needle"/> in its decoded value (an empty needle: the field exists).</summary>
    public static bool HeaderContains(byte[] header, string field, string needle)
    {
        using var stream = new MemoryStream(header, writable: false);
        HeaderList headers;
        try
        {
            headers = HeaderList.Load(Parsing, stream);
        }
        catch (FormatException)
        {
            return false;
        }

        foreach (var h in headers)
        {
            if (string.Equals(h.Field, field, StringComparison.OrdinalIgnoreCase) && Contains(h.Value, needle))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How SEARCH parses a message, the same for the scan and the index (nesting bounded as the summary's).</summary>
    public static readonly ParserOptions Parsing = new() { MaxMimeDepth = Summaries.SummaryBuilder.MaxDepth * 2 };

    /// <summary>Whether the decoded text parts (and with <paramref name="includeHeaders"/>, the decoded header values) contain <paramref name="needle"/>.</summary>
    public static bool BodyContains(byte[] message, string needle, bool includeHeaders)
    {
        using var stream = new MemoryStream(message, writable: false);
        MimeMessage parsed;
        try
        {
            parsed = MimeMessage.Load(Parsing, stream);
        }
        catch (FormatException)
        {
            return Contains(Encoding.UTF8.GetString(message), needle);
        }

        if (includeHeaders && parsed.Headers.Any(h => Contains(h.Value, needle)))
        {
            return true;
        }

        foreach (var part in TextParts(parsed))
        {
            if (Contains(TextOf(part), needle))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The parts whose text SEARCH BODY reads: every text part, attachments included.</summary>
    public static IEnumerable<TextPart> TextParts(MimeMessage message) => message.BodyParts.OfType<TextPart>();

    /// <summary>A text part's decoded text as a reader sees it: an HTML part without its markup.</summary>
    public static string TextOf(TextPart part) => part.IsHtml ? HtmlText.ToText(part.Text ?? "") : part.Text ?? "";

    /// <summary>An envelope address as FROM/TO/CC/BCC match it besides its name: mailbox@host.</summary>
    public static string AddressText(Summaries.EnvelopeAddress address) => $"{address.Mailbox}@{address.Host}";

    /// <summary>The Date header as a point in time (SENTBEFORE/SENTON/SENTSINCE).</summary>
    public static bool TryParseDate(string? raw, out DateTimeOffset date)
    {
        date = default;
        return raw is not null && DateUtils.TryParse(raw, out date);
    }
}
