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
        var key = new SearchMatcher(request.Program);
        var view = session.View!;
        var found = await search.FindAsync(key, view).ConfigureAwait(false);
        var summaries = await SummariesAsync(found).ConfigureAwait(false);
        var order = new SortOrder(request.Criteria);
        var entries = found.Select((f, i) => order.EntryOf(f.Message, summaries[i])).ToArray();
        var positions = Enumerable.Range(0, found.Count).ToArray();
        Array.Sort(positions, (a, b) => order.Compare(entries[a], entries[b]));
        var numbers = positions.Select(i => request.Uid ? found[i].Message.Uid : (uint)found[i].Sequence).ToList();
        if (request.Return is { } returns)
        {
            if (returns.Contains("SAVE"))
            {
                view.SavedResult = SearchHandler.ResultToSave(returns, [.. positions.Select(i => found[i].Message.Uid)]);
            }

            if (returns.Contains("UPDATE"))
            {
                KeepUpdated(request, key, order, entries);
            }

            WriteEsort(request, returns, numbers);
        }
        else
        {
            session.Out.Raw(found.Count == 0 ? "* SORT" : "* SORT " + string.Join(' ', numbers)).CrLf();
        }

        return request.Uid ? "UID SORT completed" : "SORT completed";
    }

    /// <summary>
    /// RFC 5267 CONTEXT=SORT: the sort is kept up to date until CANCELUPDATE or the mailbox is closed. A sorted
    /// context holds every message's keys, so the selection's contexts share a budget of messages; past it the sort
    /// is answered and not kept (NOUPDATE, RFC 5267 §4.2).
    /// </summary>
    private void KeepUpdated(SortRequest request, SearchMatcher key, SortOrder order, SortOrder.Entry[] entries)
    {
        var contexts = session.View!.SearchContexts;
        contexts.RemoveAll(c => c.Tag == request.Tag);
        if (contexts.Count >= SearchHandler.MaxSearchContexts)
        {
            throw new ImapNoException("LIMIT", $"At most {SearchHandler.MaxSearchContexts} searches are kept up to date at once");
        }

        if (contexts.Sum(c => c.Count) + entries.Length > MaxSortedMessages)
        {
            session.Out.Raw("* NO [NOUPDATE ").String(request.Tag).Raw($"] At most {MaxSortedMessages} messages are kept sorted").CrLf();
            return;
        }

        contexts.Add(new SearchContext(request.Tag, request.Uid, key, new SortedResult(order, entries)));
    }

    /// <summary>The messages all of a selection's kept searches and sorts may hold.</summary>
    private const int MaxSortedMessages = 200_000;

    /// <summary>
    /// ESORT (RFC 5267 §3.2): MIN and MAX are the first and last in sort order, ALL the numbers in sort order (runs
    /// that ascend by one written as ranges), COUNT how many.
    /// </summary>
    private void WriteEsort(SortRequest request, IReadOnlySet<string> returns, List<uint> numbers)
    {
        if (returns.Count == 1 && returns.Contains("SAVE"))
        {
            return;
        }

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
            var subject = BaseSubject.Extract(SortOrder.Decoded(envelope?.Subject), out var reply);
            messages.Add(new ThreadMessage(
                request.Uid ? message.Uid : (uint)sequence,
                MessageIds(envelope?.MessageId).FirstOrDefault(),
                ReferencesOf(summaries[i]),
                subject,
                reply,
                SortOrder.SentDate(envelope?.Date, message.InternalDate)));
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

    /// <summary>The ids of a References summary, or else the first of In-Reply-To (RFC 5256 §3, step 1.B).</summary>
    private static IReadOnlyList<string> ReferencesOf(MessageSummary? summary) =>
        summary?.References is { Length: > 0 } references ? references : MessageIds(summary?.Envelope.InReplyTo).Take(1).ToList();

    /// <summary>The msg-ids of a raw header value, without their angle brackets.</summary>
    private static IEnumerable<string> MessageIds(string? header) =>
        header is null ? [] : MimeKit.Utils.MimeUtils.EnumerateReferences(header);
}
