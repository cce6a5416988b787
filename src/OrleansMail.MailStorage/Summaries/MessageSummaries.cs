using OrleansMail.Caching;
using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Memory;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>
/// Summaries for the front ends: from a silo-wide cache, else in one grain call per batch; a message recovery
/// indexed without one is summarised from its body once and the result stored back for everyone.
/// </summary>
public sealed class MessageSummaries(IGrainFactory grains, MessageBodies bodies, MemoryOptions options)
{
    private const int BatchSize = 500;

    /// <summary>The estimate of a decoded summary's memory: see <see cref="MemoryOptions.SummaryCacheBytes"/>.</summary>
    private const int DecodedPerEncodedByte = 3;

    private const int EntryOverhead = 256;

    private readonly ByteBudgetCache<Guid, (MessageSummary Summary, long Bytes)> _cache = new(options.SummaryCacheBytes, e => e.Bytes);

    /// <summary>The cache now, for the metrics.</summary>
    public CacheUsage CacheUsage => _cache.Usage();

    public async Task<MessageSummary[]> GetAsync(string userId, IReadOnlyList<(Guid BodyId, long Size)> messages, CancellationToken cancellationToken = default)
    {
        var result = new MessageSummary[messages.Count];
        var missing = new List<int>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (_cache.TryGet(messages[i].BodyId, out var cached))
            {
                result[i] = cached.Summary;
            }
            else
            {
                missing.Add(i);
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
                long encodedBytes;
                try
                {
                    (summary, encodedBytes) = stored[k] is { } bytes
                        ? (MessageSummary.Decode(bytes), bytes.Length)
                        : await SummariseAsync(user, userId, messages[i].BodyId, messages[i].Size, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
                {
                    // One message's bad summary must not fail a FETCH or SEARCH of the whole mailbox.
                    (summary, encodedBytes) = (SummaryBuilder.Opaque(messages[i].Size), 0);
                }

                result[i] = summary;
                _cache.TryAdd(messages[i].BodyId, (summary, (DecodedPerEncodedByte * encodedBytes) + EntryOverhead));
            }
        }

        return result;
    }

    private async Task<(MessageSummary Summary, long EncodedBytes)> SummariseAsync(IUserGrain user, string userId, Guid bodyId, long size, CancellationToken cancellationToken)
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

        var encoded = summary.Encode();
        try
        {
            await user.PutSummaryAsync(bodyId, encoded).ConfigureAwait(false);
        }
        catch (Errors.MailStoreException)
        {
            // Storing it back only saves the next reader the work; this reader has its answer.
        }

        return (summary, encoded.Length);
    }
}
