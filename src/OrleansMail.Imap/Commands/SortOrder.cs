using System.Text;
using MimeKit.Utils;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol.Sorting;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>
/// The order a SORT's criteria give (RFC 5256 §3, RFC 5957): each message's keys computed once from its summary,
/// compared criterion by criterion, and what every criterion finds equal in mailbox (UID) order. Every key is fixed
/// when the message is stored, so a message's place never moves while it stays in a result.
/// </summary>
internal sealed class SortOrder(IReadOnlyList<SortCriterion> criteria) : IComparer<SortOrder.Entry>
{
    /// <summary>One message's keys, in the order of the criteria.</summary>
    internal sealed record Entry(uint Uid, SortValue[] Keys);

    /// <summary>A key: a number (dates, sizes) or a case-mapped text compared octet by octet.</summary>
    internal readonly record struct SortValue(long Number, string? Text);

    public Entry EntryOf(MessageView message, MessageSummary? summary)
    {
        var envelope = summary?.Envelope;
        var keys = new SortValue[criteria.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = criteria[i].Key switch
            {
                SortKey.Arrival => new SortValue(message.InternalDate, null),
                SortKey.Size => new SortValue(message.Size, null),
                SortKey.Date => new SortValue(SentDate(envelope?.Date, message.InternalDate).ToUnixTimeMilliseconds(), null),
                SortKey.Subject => new SortValue(0, BaseSubject.CaseMapped(BaseSubject.Extract(Decoded(envelope?.Subject)))),
                SortKey.From => new SortValue(0, MailboxOf(envelope?.From)),
                SortKey.To => new SortValue(0, MailboxOf(envelope?.To)),
                SortKey.Cc => new SortValue(0, MailboxOf(envelope?.Cc)),
                SortKey.DisplayFrom => new SortValue(0, DisplayOf(envelope?.From)),
                _ => new SortValue(0, DisplayOf(envelope?.To)),
            };
        }

        return new Entry(message.Uid, keys);
    }

    public int Compare(Entry? a, Entry? b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        for (var i = 0; i < criteria.Count; i++)
        {
            var (x, y) = (a.Keys[i], b.Keys[i]);
            var compared = x.Text is null ? x.Number.CompareTo(y.Number) : string.CompareOrdinal(x.Text, y.Text);
            if (compared != 0)
            {
                return criteria[i].Reverse ? -compared : compared;
            }
        }

        // RFC 5256 §3: what every criterion finds equal stays in mailbox order, which is UID order.
        return a.Uid.CompareTo(b.Uid);
    }

    /// <summary>RFC 5256: the sent date is the Date header in UTC; when it cannot be parsed, the internal date.</summary>
    public static DateTimeOffset SentDate(string? header, long internalDate) =>
        header is not null && DateUtils.TryParse(header, out var date) ? date.ToUniversalTime() : DateTimeOffset.FromUnixTimeMilliseconds(internalDate);

    public static string Decoded(string? header) => header is null ? "" : Rfc2047.DecodeText(Encoding.UTF8.GetBytes(header));

    private static EnvelopeAddress? FirstAddress(EnvelopeAddress[]? list) => list?.FirstOrDefault(a => a.Host is not null);

    /// <summary>RFC 5256: FROM, TO and CC sort by the addr-mailbox of the first address, in i;unicode-casemap.</summary>
    private static string MailboxOf(EnvelopeAddress[]? list) => BaseSubject.CaseMapped(FirstAddress(list)?.Mailbox ?? "");

    /// <summary>RFC 5957: the first address's decoded display name, or its addr-spec when it has none.</summary>
    private static string DisplayOf(EnvelopeAddress[]? list)
    {
        if (FirstAddress(list) is not { } address)
        {
            return "";
        }

        var name = address.Name is { Length: > 0 } raw ? Rfc2047.DecodePhrase(Encoding.UTF8.GetBytes(raw)).Trim() : "";
        return BaseSubject.CaseMapped(name.Length > 0 ? name : $"{address.Mailbox}@{address.Host}");
    }
}
