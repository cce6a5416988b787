using OrleansMail.Grains.Contracts;

namespace OrleansMail.Imap;

/// <summary>
/// Tells a client what joined and left its searches kept up to date (RFC 5267 §4.3): REMOVEFROM before the
/// EXPUNGE responses (their numbers are still valid then), ADDTO and REMOVEFROM for new and changed messages after
/// EXISTS. Positions are 0: the contexts are unsorted (CONTEXT=SEARCH, not CONTEXT=SORT).
/// </summary>
internal sealed class SearchContextUpdates(ImapSessionContext session, SearchHandler search)
{
    public void WriteRemovals(SelectedMailbox view, List<(uint Uid, int Sequence)> removed)
    {
        foreach (var context in view.SearchContexts)
        {
            var gone = new List<uint>();
            foreach (var (uid, sequence) in removed)
            {
                if (context.Matches.Remove(uid))
                {
                    gone.Add(context.Uid ? uid : (uint)sequence);
                }
            }

            Write(context, "REMOVEFROM", gone);
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
            var added = new List<uint>();
            var left = new List<uint>();
            foreach (var uid in uids)
            {
                if (found.Contains(uid) ? context.Matches.Add(uid) : context.Matches.Remove(uid))
                {
                    (found.Contains(uid) ? added : left).Add(context.Uid ? uid : (uint)view.SequenceOf(uid));
                }
            }

            Write(context, "REMOVEFROM", left);
            Write(context, "ADDTO", added);
        }
    }

    private void Write(SearchContext context, string update, List<uint> numbers)
    {
        if (numbers.Count == 0)
        {
            return;
        }

        var output = session.Out;
        output.Raw("* ESEARCH (TAG ").String(context.Tag).Raw(")");
        output.Raw(context.Uid ? " UID " : " ").Raw(update).Raw(" (0 ").Raw(SelectedMailbox.ToUidSet(numbers).ToString()).Raw(")\r\n");
    }
}
