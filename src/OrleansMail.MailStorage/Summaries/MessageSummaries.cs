using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Bodies;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>
/// Summaries for the front ends: from a silo-wide cache, else in one grain call per batch; a message recovery
/// indexed without one is summarised from its body once and the result stored back for everyone.
/// </summary>
public sealed class MessageSummaries(IGrainFactory grains, MessageBodies bodies)
{
    private const int MaxCached = 100_000;
    private const int BatchSize = 500;
    private readonly Dictionary<Guid, MessageSummary> _cache = [];
    private readonly Queue<Guid> _order = new();
    private readonly Lock _lock = new();

    public async Task<MessageSummary[]> GetAsync(string userId, IReadOnlyList<(Guid BodyId, long Size)> messages, CancellationToken cancellationToken = default)
    {
        var result = new MessageSummary[messages.Count];
        var missing = new List<int>();
        lock (_lock)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                if (_cache.TryGetValue(messages[i].BodyId, out var cached))
                {
                    result[i] = cached;
                }
                else
                {
                    missing.Add(i);
                }
            }
        }

        var user = grains.GetGrain<IUserGrain>(userId);
        foreach (var chunk in missing.Chunk(BatchSize))
        {
            var stored = await user.GetSummariesAsync([.. chunk.Select(i => messages[i].BodyId)]).ConfigureAwait(false);
            for (var k = 0; k < chunk.Length; k++)
            {
                var i = chunk[k];
                MessageSummary summary;
                try
                {
                    summary = stored[k] is { } bytes ? MessageSummary.Decode(bytes) : await SummariseAsync(user, userId, messages[i].BodyId, messages[i].Size, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
                {
                    // One message's bad summary must not fail a FETCH or SEARCH of the whole mailbox.
                    summary = SummaryBuilder.Opaque(messages[i].Size);
                }

                result[i] = summary;
                Remember(messages[i].BodyId, summary);
            }
        }

        return result;
    }

    private async Task<MessageSummary> SummariseAsync(IUserGrain user, string userId, Guid bodyId, long size, CancellationToken cancellationToken)
    {
        MessageSummary summary;
        if (bodies.IsSmall(size))
        {
            using var memory = new MemoryStream(await bodies.ReadAsync(userId, bodyId, cancellationToken).ConfigureAwait(false), writable: false);
            summary = await SummaryBuilder.BuildAsync(memory, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var temp = Path.GetTempFileName();
            await using var file = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            await using (var source = await bodies.OpenRangeAsync(userId, bodyId, 0, size, cancellationToken).ConfigureAwait(false))
            {
                await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            file.Position = 0;
            summary = await SummaryBuilder.BuildAsync(file, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await user.PutSummaryAsync(bodyId, summary.Encode()).ConfigureAwait(false);
        }
        catch (Errors.MailStoreException)
        {
            // Storing it back only saves the next reader the work; this reader has its answer.
        }

        return summary;
    }

    private void Remember(Guid bodyId, MessageSummary summary)
    {
        lock (_lock)
        {
            if (_cache.TryAdd(bodyId, summary))
            {
                _order.Enqueue(bodyId);
                while (_order.Count > MaxCached)
                {
                    _cache.Remove(_order.Dequeue());
                }
            }
        }
    }
}
