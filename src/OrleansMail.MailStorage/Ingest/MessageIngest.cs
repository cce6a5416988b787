using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Identity;
using OrleansMail.MailStorage.Summaries;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>
/// The one ingest path for LMTP and APPEND (docs/architecture.md, front ends): spool once while hashing, summarise with
/// MimeKit, then per recipient write its copy durably with the metadata recovery needs and only then ask the
/// user's grain to index it. An answer of success therefore means promise 1 holds.
/// </summary>
public sealed class MessageIngest(IObjectStore store, IGrainFactory grains, IngestOptions options, TimeProvider time)
{
    private readonly MailboxIdCache _mailboxIds = new(time);

    /// <summary>Spools and summarises; dispose the result after the last delivery.</summary>
    public async Task<IngestedMessage> ReceiveAsync(Stream source, CancellationToken cancellationToken = default)
    {
#pragma warning disable CA2000 // the spool goes to the IngestedMessage, which the caller disposes after the last delivery
        var spool = await SpooledMessage.CreateAsync(source, options.MaxMessageSize, options.MemorySpoolThreshold, options.TempDirectory, cancellationToken).ConfigureAwait(false);
#pragma warning restore CA2000
        var parsed = Task.Run(
            async () =>
            {
                await using var view = spool.OpenRead();
                return await SummaryBuilder.BuildAsync(view, options.MaxSearchableTextChars > 0 ? options.MaxSearchableTextChars : null, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
        return new IngestedMessage(spool, parsed);
    }

    /// <summary>The id of the user's mailbox named exactly <paramref name="name"/> (INBOX in any case), or null: never creates one.</summary>
    public async Task<Guid?> FindExistingMailboxAsync(string userId, string name)
    {
        var mailboxes = await grains.GetGrain<IUserGrain>(userId).ListMailboxesAsync().ConfigureAwait(false);
        var normalized = Mail.MailboxName.IsInbox(name) ? Mail.MailboxName.Inbox : name;
        return mailboxes.FirstOrDefault(m => string.Equals(m.Name, normalized, StringComparison.Ordinal))?.Id;
    }

    /// <summary>Makes a mailbox for a delivery that asked for it (Sieve's fileinto :create); false when the name is refused.</summary>
    public async Task<bool> TryCreateMailboxAsync(string userId, string name)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(userId).CreateMailboxAsync(name).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind is MailStoreErrorKind.AlreadyExists)
        {
        }
        catch (MailStoreException e) when (e.Kind is MailStoreErrorKind.Invalid or MailStoreErrorKind.Limit or MailStoreErrorKind.NotFound)
        {
            return false;
        }

        return true;
    }

    /// <summary>What a user's messages count against its quota now (a delivery checks again as it saves).</summary>
    public Task<QuotaUsage> QuotaUsageAsync(string userId) => grains.GetGrain<IUserGrain>(userId).GetQuotaUsageAsync();

    /// <summary>
    /// The summary to index with. The body is durable by now, so nothing about the message may turn into a refusal
    /// or a transient 451 that the sender retries forever: a summary that cannot be built or encoded is replaced by
    /// an opaque one.
    /// </summary>
    private static async Task<byte[]> EncodedSummaryAsync(IngestedMessage message, long prefixLength)
    {
        try
        {
            return (await message.Summary.ConfigureAwait(false)).Shifted(prefixLength).Encode();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return SummaryBuilder.Opaque(message.Spool.Length).Shifted(prefixLength).Encode();
        }
    }

    /// <summary>
    /// What the full-text index reads in this recipient's copy: the message's text with its trace fields; null when
    /// no text is kept. Like the summary, a failure here never turns into a refusal: the index reads the body later.
    /// </summary>
    private async Task<byte[]?> EncodedTextAsync(IngestedMessage message, byte[] prefix)
    {
        try
        {
            return (await message.Text.ConfigureAwait(false))?.WithPrefix(prefix, options.MaxSearchableTextChars).Encode();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Stores the content of a message for several local recipients once (docs/architecture.md, "Single
    /// instance"), naming the objects each recipient's delivery will write, and returns each recipient's place in
    /// it (in <paramref name="userIds"/> order, at most <see cref="SharedContent.MaxRecipients"/> per stored
    /// content); null when the store is unavailable, and each delivery then stores (and fails) on its own.
    /// </summary>
    public async Task<SharedCopy[]?> ShareAsync(IngestedMessage message, IReadOnlyList<string> userIds, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var planned = userIds.Select(u => (BodyId: BodyIds.NewShared(now), User: u)).Select(p => (p.BodyId, Name: UserObjectNames.For(p.User).Body(p.BodyId))).ToList();
        var copies = new List<SharedCopy>(planned.Count);
        foreach (var group in Groups(planned))
        {
            var contentName = SharedContent.Name(BodyIds.New(now));
            var metadata = new Dictionary<string, string>
            {
                [SharedContent.RecipientsKey] = string.Join(',', group.Select(p => p.Name)),
            };
            try
            {
                await using var view = message.Spool.OpenRead();
                await store.CreateAsync(contentName, view, metadata, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever the reason, every delivery can still store a whole copy of its own.
                return null;
            }

            copies.AddRange(group.Select(p => new SharedCopy(p.BodyId, contentName)));
        }

        return [.. copies];
    }

    /// <summary>
    /// Recipients per shared content: at most <see cref="SharedContent.MaxRecipients"/>, and names that fit the
    /// content's metadata (Azure allows 8 KiB of it; long user names make fewer per content).
    /// </summary>
    private static IEnumerable<List<(Guid BodyId, string Name)>> Groups(List<(Guid BodyId, string Name)> planned)
    {
        const int MetadataBudget = 6 * 1024;
        var group = new List<(Guid BodyId, string Name)>();
        var bytes = 0;
        foreach (var p in planned)
        {
            if (group.Count > 0 && (group.Count == SharedContent.MaxRecipients || bytes + p.Name.Length + 1 > MetadataBudget))
            {
                yield return group;
                group = [];
                bytes = 0;
            }

            group.Add(p);
            bytes += p.Name.Length + 1;
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    /// <summary>Stores one copy durably and indexes it; a transient failure is <see cref="MailStoreErrorKind.Unavailable"/> (LMTP 451).</summary>
    public async Task<SaveResult> DeliverAsync(IngestedMessage message, DeliveryTarget target, CancellationToken cancellationToken = default)
    {
        var user = grains.GetGrain<IUserGrain>(target.UserId);
        var mailboxName = target.MailboxName ?? Mail.MailboxName.Inbox;
        var mailboxId = target.MailboxId ?? await _mailboxIds.GetAsync(target.UserId, mailboxName, () => user.GetMailboxAsync(mailboxName)).ConfigureAwait(false);
        var prefix = target.TracePrefix ?? [];
        var bodyId = target.Shared?.BodyId ?? BodyIds.New(time.GetUtcNow());
        var internalDate = (target.InternalDate ?? time.GetUtcNow()).ToUnixTimeMilliseconds();
        var size = prefix.Length + message.Spool.Length;
        var keywords = target.Keywords ?? [];
        var metadata = BodyMetadata.Create(mailboxId, target.Flags, keywords, internalDate, size, message.Spool.Sha256);
        var name = UserObjectNames.For(target.UserId).Body(bodyId);
#pragma warning disable CA2000 // the PrefixedStream owns the spool view and disposes it with itself
        await using Stream content = target.Shared is { } shared
            ? new MemoryStream(prefix, writable: false)
            : new PrefixedStream(prefix, message.Spool.OpenRead());
#pragma warning restore CA2000
        if (target.Shared is { } sharedContent)
        {
            // Only this recipient's trace headers; the content is stored once, already, under the shared name.
            metadata[SharedContent.ContentKey] = sharedContent.ContentName;
        }

        await StoreUnavailable.GuardAsync(() => store.CreateAsync(name, content, metadata, cancellationToken)).ConfigureAwait(false);

        var request = new SaveRequest(bodyId, mailboxId, null, target.Flags, keywords, internalDate, size, await EncodedSummaryAsync(message, prefix.Length).ConfigureAwait(false), target.Quota)
        {
            Text = await EncodedTextAsync(message, prefix).ConfigureAwait(false),
        };
        try
        {
            return await SaveAsync(user, request, target, mailboxName).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind is not MailStoreErrorKind.Unavailable)
        {
            // Refused for good: nothing will ever index this body, and an unclean restart's recovery would
            // otherwise bring it back beside the copy the sender's retry stores. Best effort; GC backs it up.
            try
            {
                await store.DeleteAsync(name, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectStoreUnavailableException)
            {
            }

            throw;
        }
    }

    private async Task<SaveResult> SaveAsync(IUserGrain user, SaveRequest request, DeliveryTarget target, string mailboxName)
    {
        try
        {
            return await user.SaveAsync(request).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.Unavailable)
        {
            // Saving is idempotent by body id: one retry covers a grain that moved between silos.
            return await user.SaveAsync(request).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound && target.MailboxId is null)
        {
            // The cached id went stale (the mailbox was deleted or recreated): the body is stored, so index it
            // by name instead; the metadata's mailbox id only guides recovery, which falls back to INBOX.
            _mailboxIds.Forget(target.UserId, mailboxName);
            return await user.SaveAsync(request with { MailboxId = null, MailboxName = mailboxName }).ConfigureAwait(false);
        }
    }
}
