using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansMail.ObjectStore;

namespace OrleansMail.Submission;

/// <summary>
/// Queues mail the server sends on a user's behalf (a Sieve redirect, a vacation reply): written to the object store
/// under <see cref="Prefix"/> before the delivery that caused it is acknowledged, then handed to the cluster's sender
/// (<see cref="IOutboundMailGrain"/>). A relay outage delays the mail; it does not lose it.
/// </summary>
public sealed partial class OutboundQueue(IObjectStore store, IGrainFactory grains, SubmissionOptions options, TimeProvider time, ILogger<OutboundQueue> log)
{
    public const string Prefix = "outbound/";

    public bool Enabled => options.Enabled;

    /// <summary>Writes the item durably (create-once, a name no one else has) and nudges the sender; returns the item's name.</summary>
    /// <param name="prefix">Header lines to put before the message (a redirect's trace field), without copying the message twice.</param>
    public async Task<string> EnqueueAsync(OutboundEnvelope envelope, Stream message, byte[]? prefix = null, CancellationToken cancellationToken = default)
    {
        // Names sort by the time they were queued, so the sender takes them oldest first.
        var name = $"{Prefix}{time.GetUtcNow().UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}";
        using var content = new MemoryStream();
        await content.WriteAsync(envelope.Header(), cancellationToken).ConfigureAwait(false);
        await content.WriteAsync(prefix ?? [], cancellationToken).ConfigureAwait(false);
        await message.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
        content.Position = 0;
        if (!await store.CreateAsync(name, content, null, cancellationToken).ConfigureAwait(false))
        {
            throw new IOException($"queued item {name} exists already");
        }

        try
        {
            await grains.GetGrain<IOutboundMailGrain>(0).NudgeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The item is stored; the sender's next scan finds it.
            NudgeFailed(log, e, name);
        }

        return name;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Could not nudge the outbound sender for {Item}; its next scan sends it")]
    private static partial void NudgeFailed(ILogger logger, Exception exception, string item);
}
