using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Identity;
using OrleansMail.MailStorage.Summaries;
using OrleansMail.ObjectStore;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>
/// The one ingest path for LMTP and APPEND (DESIGN.md, front ends): spool once while hashing, summarise with
/// MimeKit, then per recipient write its copy durably with the metadata recovery needs and only then ask the
/// user's grain to index it. An answer of success therefore means promise 1 holds.
/// </summary>
public sealed class MessageIngest(IObjectStore store, IGrainFactory grains, IngestOptions options, TimeProvider time)
{
    /// <summary>Spools and summarises; dispose the result after the last delivery.</summary>
    public async Task<IngestedMessage> ReceiveAsync(Stream source, CancellationToken cancellationToken = default)
    {
        var spool = await SpooledMessage.CreateAsync(source, options.MaxMessageSize, options.MemorySpoolThreshold, options.TempDirectory, cancellationToken).ConfigureAwait(false);
        try
        {
            var summary = await SummaryBuilder.BuildAsync(spool.OpenRead(), cancellationToken).ConfigureAwait(false);
            return new IngestedMessage(spool, summary);
        }
        catch
        {
            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stores one copy durably and indexes it; a transient failure is <see cref="MailStoreErrorKind.Unavailable"/> (LMTP 451).</summary>
    public async Task<SaveResult> DeliverAsync(IngestedMessage message, DeliveryTarget target, CancellationToken cancellationToken = default)
    {
        var user = grains.GetGrain<IUserGrain>(target.UserId);
        var mailboxId = target.MailboxId ?? (await user.GetMailboxAsync(target.MailboxName ?? Mail.MailboxName.Inbox).ConfigureAwait(false)).Id;
        var prefix = target.TracePrefix ?? [];
        var bodyId = BodyIds.New(time.GetUtcNow());
        var internalDate = (target.InternalDate ?? time.GetUtcNow()).ToUnixTimeMilliseconds();
        var size = prefix.Length + message.Spool.Length;
        var keywords = target.Keywords ?? [];
        var metadata = BodyMetadata.Create(mailboxId, target.Flags, keywords, internalDate, size, message.Spool.Sha256);
        var name = UserObjectNames.For(target.UserId).Body(bodyId);
        try
        {
            await store.CreateAsync(name, new PrefixedStream(prefix, message.Spool.OpenRead()), metadata, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreUnavailableException e)
        {
            throw MailStoreException.Unavailable("the message store is unavailable", e);
        }

        var request = new SaveRequest(bodyId, mailboxId, null, target.Flags, keywords, internalDate, size, message.Summary.Shifted(prefix.Length).Encode());
        try
        {
            return await user.SaveAsync(request).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.Unavailable)
        {
            // Saving is idempotent by body id: one retry covers a grain that moved between silos.
            return await user.SaveAsync(request).ConfigureAwait(false);
        }
    }
}
