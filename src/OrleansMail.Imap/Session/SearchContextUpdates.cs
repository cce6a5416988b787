using OrleansMail.Grains.Contracts;

namespace OrleansMail.Imap;

/// <summary>
/// Tells a client what joined and left its searches and sorts kept up to date (RFC 5267 §4.3): REMOVEFROM before
/// the EXPUNGE responses (their numbers are still valid then), ADDTO and REMOVEFROM for new and changed messages
/// after EXISTS. A search's positions are 0; a sort's are where the messages stand in its order (see
/// <see cref="SortedResult"/>).
/// </summary>
internal sealed class SearchContextUpdates(ImapSessionContext session, SearchHandler search)
{
    public void WriteRemovals(SelectedMailbox view, List<(uint Uid, int Sequence)> removed)
    {
        var sequences = removed.ToDictionary(r => r.Uid, r => (uint)r.Sequence);
        foreach (var context in view.SearchContexts)
        {
            if (context.Sorted is { } sorted)
            {
                foreach (var (position, uids) in sorted.Remove(sequences.Keys))
                {
                    Write(context, "REMOVEFROM", position, [.. uids.Select(u => context.Uid ? u : sequences[u])]);
                }

                continue;
            }

            var gone = removed.Where(r => context.RemoveUnsorted(r.Uid)).Select(r => context.Uid ? r.Uid : (uint)r.Sequence).ToList();
            Write(context, "REMOVEFROM", 0, gone);
        }
    }

    /// <summary>Searches each context again over the messages that arrived or changed.</summary>
    public async Task UpdateAsync(SelectedMailbox view, IEnumerable<MessageView> changed)
    {
        if (view.SearchContexts.Count == 0)
        {
            return;
        }

        var uids = changed.Select(m => m.Uid).Where(u => view.TryGet(u, out _) && !view.IsPendingExpunge(u)).ToHashSet();
        if (uids.Count == 0)
        {
            return;
        }

        foreach (var context in view.SearchContexts)
        {
            var found = (await search.FindAsync(context.Key, view, uids).ConfigureAwait(false)).Select(f => f.Message.Uid).ToHashSet();
            var joined = uids.Where(u => found.Contains(u) && !context.Contains(u)).Order().ToList();
            var left = uids.Where(u => !found.Contains(u) && context.Contains(u)).Order().ToList();
            if (context.Sorted is { } sorted)
            {
                await UpdateSortedAsync(context, sorted, view, joined, left).ConfigureAwait(false);
                continue;
            }

            left.ForEach(u => context.RemoveUnsorted(u));
            joined.ForEach(u => context.AddUnsorted(u));
            Write(context, "REMOVEFROM", 0, NumbersOf(context, view, left));
            Write(context, "ADDTO", 0, NumbersOf(context, view, joined));
        }
    }

    private async Task UpdateSortedAsync(SearchContext context, SortedResult sorted, SelectedMailbox view, List<uint> joined, List<uint> left)
    {
        foreach (var (position, uids) in sorted.Remove(left))
        {
            Write(context, "REMOVEFROM", position, NumbersOf(context, view, uids));
        }

        if (joined.Count == 0)
        {
            return;
        }

        var messages = joined.Select(u => { view.TryGet(u, out var message); return message; }).ToList();
        var summaries = await session.Services.Summaries.GetAsync(session.MailboxOwner, [.. messages.Select(m => (m.BodyId, m.Size))]).ConfigureAwait(false);
        var entries = messages.Select((m, i) => sorted.Order.EntryOf(m, summaries[i]));
        foreach (var (position, uids) in sorted.Insert(entries))
        {
            Write(context, "ADDTO", position, NumbersOf(context, view, uids));
        }
    }

    private static List<uint> NumbersOf(SearchContext context, SelectedMailbox view, List<uint> uids) =>
        context.Uid ? uids : [.. uids.Select(u => (uint)view.SequenceOf(u))];

    private void Write(SearchContext context, string update, int position, List<uint> numbers)
    {
        if (numbers.Count == 0)
        {
            return;
        }

        // A search's numbers ascend and may be written as ranges; a sort's go in sort order, ranges only where
        // they ascend by one.
        var set = context.Sorted is null ? ImapFormat.UidList([.. numbers.Order()]) : ImapFormat.UidList(numbers);
        var output = session.Out;
        output.Raw("* ESEARCH (TAG ").String(context.Tag).Raw(")");
        output.Raw(context.Uid ? " UID " : " ").Raw(update).Raw(" (").Number(position).Space().Raw(set).Raw(")\r\n");
    }
}
