using System.Text;
using MimeKit.Utils;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Fetch;
using OrleansMail.Imap.Protocol;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Imap.Protocol.Sorting;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>
/// SORT (RFC 5256, with SORT=DISPLAY of RFC 5957) and THREAD (ORDEREDSUBJECT, REFERENCES) and their UID forms.
/// Keys come from the cached summaries (envelope, References), never from the bodies; the work past the search is
/// O(n log n) in the messages found.
/// </summary>
internal sealed class SortHandler(ImapSessionContext session, SearchHandler search)
{
    public async Task<string?> SortAsync(SortRequest request)
    {
        SearchHandler.RequireCharset(request.Charset);
        var found = await search.FindAsync(new SearchMatcher(request.Program), session.View!).ConfigureAwait(false);
        var summaries = await SummariesAsync(found).ConfigureAwait(false);
        var columns = request.Criteria.Select(c => (c.Reverse, Keys: KeysOf(c.Key, found, summaries))).ToList();
        var order = Enumerable.Range(0, found.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            foreach (var (reverse, keys) in columns)
            {
                var compared = keys.Compare(a, b);
                if (compared != 0)
                {
                    return reverse ? -compared : compared;
                }
            }

            // RFC 5256 §3: what every criterion finds equal stays in mailbox order.
            return found[a].Sequence.CompareTo(found[b].Sequence);
        });

        var numbers = order.Select(i => request.Uid ? found[i].Message.Uid : (uint)found[i].Sequence).ToList();
        if (request.Return is { } returns)
        {
            WriteEsort(request, returns, numbers);
        }
        else
        {
            session.Out.Raw(found.Count == 0 ? "* SORT" : "* SORT " + string.Join(' ', numbers)).CrLf();
        }

        return request.Uid ? "UID SORT completed" : "SORT completed";
    }

    /// <summary>
    /// ESORT (RFC 5267 §3.2): MIN and MAX are the first and last in sort order, ALL the numbers in sort order (runs
    /// that ascend by one written as ranges), COUNT how many.
    /// </summary>
    private void WriteEsort(SortRequest request, IReadOnlySet<string> returns, List<uint> numbers)
    {
        var output = session.Out;
        output.Raw("* ESEARCH (TAG ").String(request.Tag).Raw(")");
        if (request.Uid)
        {
            output.Raw(" UID");
        }

        if (numbers.Count > 0)
        {
            if (returns.Contains("MIN"))
            {
                output.Raw(" MIN ").Number(numbers[0]);
            }

            if (returns.Contains("MAX"))
            {
                output.Raw(" MAX ").Number(numbers[^1]);
            }

            if (returns.Contains("ALL"))
            {
                output.Raw(" ALL ").Raw(ImapFormat.UidList(numbers));
            }
        }

        if (request.Partial is { } partial)
        {
            // RFC 9394: positions in sort order; the numbers in range keep that order.
            var taken = partial.Take(numbers);
            output.Raw(" PARTIAL (").Raw(partial.ToString()).Space().Raw(taken.Count == 0 ? "NIL" : ImapFormat.UidList(taken)).Raw(")");
        }

        if (returns.Contains("COUNT"))
        {
            output.Raw(" COUNT ").Number(numbers.Count);
        }

        output.CrLf();
    }

    public async Task<string?> ThreadAsync(ThreadRequest request)
    {
        SearchHandler.RequireCharset(request.Charset);
        var found = await search.FindAsync(new SearchMatcher(request.Program), session.View!).ConfigureAwait(false);
        var summaries = await SummariesAsync(found).ConfigureAwait(false);
        var messages = new List<ThreadMessage>(found.Count);
        for (var i = 0; i < found.Count; i++)
        {
            var (message, sequence) = found[i];
            var envelope = summaries[i]?.Envelope;
            var subject = BaseSubject.Extract(Decoded(envelope?.Subject), out var reply);
            messages.Add(new ThreadMessage(
                request.Uid ? message.Uid : (uint)sequence,
                MessageIds(envelope?.MessageId).FirstOrDefault(),
                ReferencesOf(summaries[i]),
                subject,
                reply,
                SentDate(envelope?.Date, message.InternalDate)));
        }

        var threads = Threader.Thread(request.Algorithm, messages);
        session.Out.Raw(threads.Count == 0 ? "* THREAD" : "* THREAD " + ThreadNode.Format(threads)).CrLf();
        return request.Uid ? "UID THREAD completed" : "THREAD completed";
    }

    private async Task<MessageSummary?[]> SummariesAsync(List<(MessageView Message, int Sequence)> found)
    {
        var all = new MessageSummary?[found.Count];
        var userId = session.User.UserId;
        for (var start = 0; start < found.Count; start += BodyPrefetch.SummaryChunk)
        {
            var chunk = found.Skip(start).Take(BodyPrefetch.SummaryChunk).Select(f => (f.Message.BodyId, f.Message.Size)).ToList();
            var summaries = await session.Services.Summaries.GetAsync(userId, chunk).ConfigureAwait(false);
            Array.Copy(summaries, 0, all, start, summaries.Length);
        }

        return all;
    }

    /// <summary>One criterion's key for every message found, computed once, compared by index.</summary>
    private static SortColumn KeysOf(SortKey key, List<(MessageView Message, int Sequence)> found, MessageSummary?[] summaries)
    {
        var envelopes = summaries.Select(s => s?.Envelope).ToArray();
        return key switch
        {
            SortKey.Arrival => SortColumn.Of(found.Select(f => f.Message.InternalDate)),
            SortKey.Size => SortColumn.Of(found.Select(f => f.Message.Size)),
            SortKey.Date => SortColumn.Of(found.Select((f, i) => SentDate(envelopes[i]?.Date, f.Message.InternalDate).ToUnixTimeMilliseconds())),
            SortKey.Subject => SortColumn.Of(envelopes.Select(e => BaseSubject.CaseMapped(BaseSubject.Extract(Decoded(e?.Subject))))),
            SortKey.From => SortColumn.Of(envelopes.Select(e => MailboxOf(e?.From))),
            SortKey.To => SortColumn.Of(envelopes.Select(e => MailboxOf(e?.To))),
            SortKey.Cc => SortColumn.Of(envelopes.Select(e => MailboxOf(e?.Cc))),
            SortKey.DisplayFrom => SortColumn.Of(envelopes.Select(e => DisplayOf(e?.From))),
            _ => SortColumn.Of(envelopes.Select(e => DisplayOf(e?.To))),
        };
    }

    /// <summary>RFC 5256: the sent date is the Date header in UTC; when it cannot be parsed, the internal date.</summary>
    private static DateTimeOffset SentDate(string? header, long internalDate) =>
        header is not null && DateUtils.TryParse(header, out var date) ? date.ToUniversalTime() : DateTimeOffset.FromUnixTimeMilliseconds(internalDate);

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

    private static string Decoded(string? header) => header is null ? "" : Rfc2047.DecodeText(Encoding.UTF8.GetBytes(header));

    /// <summary>The ids of a References summary, or else the first of In-Reply-To (RFC 5256 §3, step 1.B).</summary>
    private static IReadOnlyList<string> ReferencesOf(MessageSummary? summary) =>
        summary?.References is { Length: > 0 } references ? references : MessageIds(summary?.Envelope.InReplyTo).Take(1).ToList();

    /// <summary>The msg-ids of a raw header value, without their angle brackets.</summary>
    private static IEnumerable<string> MessageIds(string? header) =>
        header is null ? [] : MimeKit.Utils.MimeUtils.EnumerateReferences(header);
}
