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

        // Sorted once: into the context when the sort is to be kept up to date, else in place.
        SortedResult? kept = null;
        if (request.Return?.Contains("UPDATE") == true)
        {
            kept = new SortedResult(order, entries);
        }
        else
        {
            Array.Sort(entries, order);
        }

        var uids = kept?.Uids.ToList() ?? [.. entries.Select(e => e.Uid)];
        var numbers = request.Uid ? uids : [.. uids.Select(u => (uint)view.SequenceOf(u))];
        if (request.Return is { } returns)
        {
            if (returns.Contains("SAVE"))
            {
                view.SavedResult = SearchHandler.ResultToSave(returns, uids);
            }

            if (kept is not null)
            {
                // RFC 5267 CONTEXT=SORT: kept until CANCELUPDATE or the mailbox is closed.
                search.KeepUpdated(new SearchContext(request.Tag, request.Uid, key, kept));
            }

            EsearchResponse.Write(session.Out, request.Tag, request.Uid, returns, numbers, request.Partial);
        }
        else
        {
            session.Out.Raw(found.Count == 0 ? "* SORT" : "* SORT " + string.Join(' ', numbers)).CrLf();
        }

        return request.Uid ? "UID SORT completed" : "SORT completed";
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
        var userId = session.MailboxOwner;
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
