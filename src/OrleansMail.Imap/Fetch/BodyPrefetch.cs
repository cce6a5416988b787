using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap.Fetch;

/// <summary>What of each message's body a FETCH or SEARCH needs read.</summary>
internal enum BodyNeed
{
    None,
    Header,
    Whole,
}

/// <summary>
/// Reads what FETCH or SEARCH needs of many bodies in order, keeping up to the configured number of reads in flight
/// ahead of the consumer: with a slow store, N bodies cost about N / parallelism round trips, not N.
/// </summary>
internal sealed class BodyPrefetch(MessageBodies bodies, string userId)
{
    /// <summary>Messages per batch of summaries: big enough to amortise the summary reads, small enough to bound memory.</summary>
    public const int SummaryChunk = 500;

    /// <summary>
    /// Each message's bytes as needed, in order: the header, or the whole body when it is small enough to hold
    /// (a large one comes as null and is streamed by the caller).
    /// </summary>
    public async IAsyncEnumerable<(int Index, byte[]? Data)> LoadAsync(IReadOnlyList<MessageView> messages, MessageSummary[]? summaries, BodyNeed need)
    {
        if (need == BodyNeed.None)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                yield return (i, null);
            }

            yield break;
        }

        var window = Math.Max(1, bodies.Options.PrefetchParallelism);
        var loads = new Task<byte[]?>[messages.Count];
        var started = 0;
        try
        {
            for (var i = 0; i < messages.Count; i++)
            {
                while (started < messages.Count && started <= i + window)
                {
                    loads[started] = LoadOneAsync(messages[started], summaries?[started], need);
                    started++;
                }

                yield return (i, await loads[i].ConfigureAwait(false));
            }
        }
        finally
        {
            // A failure midway: let the reads already started finish quietly.
            for (var i = 0; i < started; i++)
            {
                _ = loads[i].ContinueWith(t => t.Exception, TaskScheduler.Default);
            }
        }
    }

    /// <summary>A byte range of one body, read from the store.</summary>
    public Task<byte[]> ReadRangeAsync(MessageView message, long offset, long length) => FetchResponder.ReadRangeAsync(bodies, userId, message, offset, length);

    private async Task<byte[]?> LoadOneAsync(MessageView message, MessageSummary? summary, BodyNeed need)
    {
        if (need == BodyNeed.Whole)
        {
            return bodies.IsSmall(message.Size) ? await bodies.ReadAsync(userId, message.BodyId).ConfigureAwait(false) : null;
        }

        var headerLength = summary is null ? message.Size : BodySection.HeaderEnd(summary);
        return await bodies.ReadHeadAsync(userId, message.BodyId, Math.Min(headerLength, message.Size)).ConfigureAwait(false);
    }
}
