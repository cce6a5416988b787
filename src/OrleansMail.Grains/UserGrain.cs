using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansMail.Errors;
using OrleansMail.FullText;
using OrleansMail.Grains.Cache;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Hosting;
using OrleansMail.Grains.Observers;
using OrleansMail.Grains.Storage;
using OrleansMail.Index.Commands;
using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Leases;

namespace OrleansMail.Grains;

/// <summary>
/// One user's mail store (docs/architecture.md, Grains): the index in memory, every change journaled to the silo's disk,
/// checkpointed to the object store, guarded by the lease and the manifest's ETag.
/// </summary>
public sealed partial class UserGrain : Grain, IUserGrain, IDisposable
{
    private readonly IPersistentState<UserManifest> _manifest;
    private readonly IObjectStore _store;
    private readonly UserGrainOptions _options;
    private readonly ILogger<UserGrain> _log;
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly OrphanJournalUploader _orphans;
    private readonly MailStoreMetrics _metrics;
    private readonly LocalIndexCache? _cache;
    private readonly LocalUsers _localUsers;
    private readonly Guid _activationId = Guid.NewGuid();
    private readonly FullTextOptions _fullTextOptions;

    /// <summary>Set when the activation ends: its last checkpoint writes every pending summary, however few.</summary>
    private bool _flushSummaries;

    private UserSummaries _summaries = null!;
    private MailboxObservers _observers = null!;

    // Highest UID per mailbox some session has claimed as \Recent. Kept in memory only: after a reactivation
    // every message is recent once more to the first session, as with a fresh Dovecot index; \Recent is advisory
    // (IMAP4rev2 dropped it) and not worth a journal write on every SELECT.
    private readonly Dictionary<Guid, uint> _recentClaimed = [];

    private UserObjectNames _names = null!;
    private MailboxCommands _commands = null!;
    private WriterLease _lease = null!;
    private CheckpointWriter _checkpoints = null!;
    private UserIndex _index = new();
    private LocalJournal? _journal;
    private int _allocatedSinceCheckpoint;
    private string _loadedFrom = "empty";

    public UserGrain(
        [PersistentState("manifest", MailStoreNames.GrainStorage)] IPersistentState<UserManifest> manifest,
        IObjectStore store,
        IOptions<UserGrainOptions> options,
        ILogger<UserGrain> log,
        IClusterMembershipService membership,
        ILocalSiloDetails silo,
        OrphanJournalUploader orphans,
        LocalIndexCache cache,
        MailStoreMetrics metrics,
        LocalUsers localUsers,
        TimeProvider time,
        IOptions<FullTextOptions> fullText)
    {
        _fullTextOptions = fullText.Value;
        _localUsers = localUsers;
        _manifest = manifest;
        _store = store;
        _options = options.Value;
        _log = log;
        _membership = membership;
        _silo = silo;
        _orphans = orphans;
        _time = time;
        _metrics = metrics;
        _cache = string.IsNullOrEmpty(_options.CacheDirectory) ? null : cache;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Orleans disposes an activation after OnDeactivateAsync: no timer renews the lease any more.</summary>
    public void Dispose()
    {
        _lease?.Dispose();
        _journal?.Dispose();
        _fullTextFirstReconcile?.Dispose();
        _fullText?.DisposeAsync().AsTask().Wait();
    }

    public Task<MailboxInfo[]> ListMailboxesAsync() =>
        Task.FromResult(_index.Mailboxes.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(Info).ToArray());

    public Task<string[]> ListSubscriptionsAsync() => Task.FromResult(_index.Subscriptions.Order(StringComparer.Ordinal).ToArray());

    public async Task<MailboxInfo> GetMailboxAsync(string name) => Info(await ResolveAsync(name).ConfigureAwait(true));

    public async Task<MailboxInfo> CreateMailboxAsync(string name, SpecialUse specialUse = SpecialUse.None, QuotaLimits? quota = null)
    {
        var entries = _commands.Create(_index, name, specialUse);
        var created = entries.OfType<MailboxCreated>().Count();
        if ((QuotaOverride.Read(_index) ?? quota)?.Mailboxes is { } limit && _index.Mailboxes.Count + created > limit)
        {
            // RFC 9208 §5.3: CREATE past the MAILBOX limit. INBOX and the special-use folders made on first use are not
            // refused: a client needs them, and they count once made.
            throw MailStoreException.OverQuota("Quota exceeded: mailboxes");
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync(entries).ConfigureAwait(true);
        return Info(_index.FindMailbox(((MailboxCreated)entries[^1]).MailboxId)!);
    }

    public async Task RenameMailboxAsync(string oldName, string newName)
    {
        if (MailboxCommands.IsInboxRename(_index, oldName, newName))
        {
            // RFC 3501 §6.3.5: renaming INBOX moves its messages to the new name and leaves INBOX empty.
            var created = await CreateMailboxAsync(newName).ConfigureAwait(true);
            await CopyAsync(_index.FindMailbox(MailboxName.Inbox)!.Id, UidSet.Range(1, uint.MaxValue), created.Id, move: true).ConfigureAwait(true);
            return;
        }

        var entries = _commands.Rename(_index, oldName, newName);
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync(entries).ConfigureAwait(true);
    }

    public async Task DeleteMailboxAsync(string name)
    {
        var entries = _commands.Delete(_index, name);
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync(entries).ConfigureAwait(true);
    }

    public async Task SetSubscriptionAsync(string name, bool subscribed)
    {
        var entries = _commands.Subscribe(_index, name, subscribed);
        if (entries.Count > 0)
        {
            await _lease.EnsureWritableAsync().ConfigureAwait(true);
            await CommitAsync(entries).ConfigureAwait(true);
        }
    }

    public async Task<SaveResult> SaveAsync(SaveRequest request)
    {
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        if (_index.IsBodyReferenced(request.BodyId) && _index.FindRecord(request.BodyId) is var (existingBox, existing))
        {
            return new SaveResult(existingBox.Id, existingBox.UidValidity, existing.Uid, existing.ModSeq, AlreadyIndexed: true);
        }

        CheckQuota(request.Quota, 1, request.Size); // before a special-use mailbox is created on first use: a refusal changes nothing
        var mailbox = request.MailboxId is { } id ? Mailbox(id) : await ResolveAsync(request.MailboxName ?? MailboxName.Inbox).ConfigureAwait(true);
        await ReserveAsync(2).ConfigureAwait(true);
        var added = _commands.Add(mailbox, request.BodyId, request.Flags, request.Keywords, request.InternalDate, request.Size);
        if (request.Summary is { } summary)
        {
            _summaries.Add(request.BodyId, summary);
        }

        // The body was stored with everything recovery indexes it from (promise 1): its entry need not be synced.
        await CommitAsync([added], recoverableFromBody: true).ConfigureAwait(true);
        IndexSaved(request);
        return new SaveResult(mailbox.Id, mailbox.UidValidity, added.Record.Uid, added.Record.ModSeq, AlreadyIndexed: false);
    }

    public Task<MessageView[]> FetchAsync(Guid mailboxId, UidSet uids, ulong changedSince = 0) =>
        Task.FromResult(Mailbox(mailboxId).Select(uids).Where(r => r.ModSeq > changedSince).Select(View).ToArray());

    public Task<MessageListing> ListMessagesAsync(Guid mailboxId, uint fromUid, int limit) =>
        Task.FromResult(MessageListings.Page(Mailbox(mailboxId), fromUid, Math.Clamp(limit, 1, MessageListings.MaxPage)));

    public async Task<StoreResult> StoreFlagsAsync(Guid mailboxId, UidSet uids, FlagOperation operation, MessageFlags flags, string[] keywords, ulong unchangedSince = 0)
    {
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        var mailbox = Mailbox(mailboxId);
        await ReserveAsync(1).ConfigureAwait(true);
        var before = mailbox.HighestModSeq;
        var changes = _commands.StoreFlags(mailbox, uids, operation, flags, keywords, unchangedSince);
        await CommitAsync(changes.Entries).ConfigureAwait(true);
        var changed = changes.Entries.Select(e => View(mailbox.FindByUid(e.Uid)!.Value)).ToArray();
        return new StoreResult(changed, changes.Modified, mailbox.HighestModSeq, before);
    }

    public async Task<ExpungeResult> ExpungeAsync(Guid mailboxId, UidSet? uids = null)
    {
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        var mailbox = Mailbox(mailboxId);
        var expunged = MailboxCommands.Doomed(mailbox, uids);
        if (expunged.IsEmpty)
        {
            return new ExpungeResult(UidSet.Empty, mailbox.HighestModSeq, mailbox.HighestModSeq);
        }

        await ReserveAsync(1).ConfigureAwait(true);
        var before = mailbox.HighestModSeq;
        await CommitAsync(_commands.ExpungeEntries(mailbox, expunged, before + 1)).ConfigureAwait(true);
        return new ExpungeResult(expunged, mailbox.HighestModSeq, before);
    }

    public async Task<CopyResult> CopyAsync(Guid sourceMailboxId, UidSet uids, Guid destinationMailboxId, bool move, QuotaLimits? quota = null)
    {
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        var source = Mailbox(sourceMailboxId);
        var destination = Mailbox(destinationMailboxId);
        var records = source.Select(uids).ToList();
        _commands.CheckKeywordRoom(destination, records);
        if (!move)
        {
            // A move within the user adds nothing to its usage: only a copy is counted.
            CheckQuota(quota, records.Count, records.Sum(r => r.Size));
        }

        var copied = new List<(uint Source, uint Destination)>(records.Count);

        // Chunks keep every step under the allocation cap, so one huge COPY cannot outrun a checkpoint. A COPY is all
        // or nothing (RFC 3501 §6.4.7): when a later chunk cannot be committed (its checkpoint fails), the copies
        // already made are expunged again before the failure is reported, so a client's retry duplicates nothing.
        // Each chunk leaves room under the cap for that one expunge.
        var chunk = Math.Max(1, (_options.AllocationCap / 2) - 2);
        foreach (var part in records.Chunk(chunk))
        {
            try
            {
                await ReserveAsync(part.Length + 2).ConfigureAwait(true);
            }
            catch (Exception) when (!move && copied.Count > 0)
            {
                await UndoCopiesAsync(destination, copied.Select(c => c.Destination)).ConfigureAwait(true);
                throw;
            }

            var step = _commands.Copy(source, part, destination, move);
            copied.AddRange(step.Uids);
            await CommitAsync(step.Entries).ConfigureAwait(true);
        }

        var expunged = move ? UidSet.FromRanges(copied.Select(c => (c.Source, c.Source))) : UidSet.Empty;
        return new CopyResult(destination.UidValidity, [.. copied.Select(c => c.Source)], [.. copied.Select(c => c.Destination)], expunged);
    }

    public Task<QuotaUsage> GetQuotaUsageAsync() => Task.FromResult(new QuotaUsage(_index.MessageCount, _index.StorageBytes, QuotaOverride.Read(_index), _index.Mailboxes.Count));

    public async Task SetQuotaLimitsAsync(QuotaLimits? limits)
    {
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([new MetadataChanged(_time.GetUtcNow().ToUnixTimeMilliseconds(), Guid.Empty, QuotaOverride.Entry, limits is null ? null : QuotaOverride.Encode(limits))]).ConfigureAwait(true);
    }

    public Task<QuotaUsage[]> RecountQuotaAsync()
    {
        var (messages, bytes) = _index.RecountUsage();
        return Task.FromResult<QuotaUsage[]>([new QuotaUsage(messages, bytes), new QuotaUsage(_index.MessageCount, _index.StorageBytes)]);
    }

    /// <summary>
    /// Refuses, before anything changes, what would take the user past its quota (RFC 9208 §4.1.4; the single writer
    /// makes check and commit one step). Limits an administrator set here replace the caller's, which come from the
    /// directory (or are none, for a save into a shared mailbox).
    /// </summary>
    private void CheckQuota(QuotaLimits? quota, long messages, long bytes)
    {
        quota = QuotaOverride.Read(_index) ?? quota;
        if (quota is not null && (messages > 0 || bytes > 0) && !quota.Admits(_index.MessageCount, _index.StorageBytes, messages, bytes))
        {
            throw MailStoreException.OverQuota(quota.StorageBytes is { } s && _index.StorageBytes + bytes > s
                ? "Quota exceeded (mailbox full): storage"
                : "Quota exceeded (mailbox full): messages");
        }
    }

    private async Task UndoCopiesAsync(MailboxState destination, IEnumerable<uint> copies)
    {
        var set = UidSet.FromRanges(copies.Select(u => (u, u)));
        await CommitAsync(_commands.ExpungeEntries(destination, set, destination.HighestModSeq + 1)).ConfigureAwait(true);
        StoreLog.CopyUndone(_log, _names.User, set.Count);
    }

    public Task<uint> ClaimRecentAsync(Guid mailboxId, uint upToUid)
    {
        var mailbox = Mailbox(mailboxId);
        var claimed = _recentClaimed.GetValueOrDefault(mailbox.Id);
        if (upToUid > claimed)
        {
            _recentClaimed[mailbox.Id] = Math.Min(upToUid, mailbox.UidNext - 1);
        }

        return Task.FromResult(claimed + 1);
    }

    public Task<ChangeSet> GetChangesAsync(Guid mailboxId, ulong sinceModSeq)
    {
        var mailbox = Mailbox(mailboxId);
        var changed = (mailbox.TryChangesSince(sinceModSeq, out var logged) ? logged : mailbox.Messages.Where(r => r.ModSeq > sinceModSeq)).Select(View).ToArray();
        var vanished = UidSet.FromRanges(mailbox.Expunged.Where(e => e.ModSeq > sinceModSeq).Select(e => (e.First, e.Last)));
        return Task.FromResult(new ChangeSet(changed, vanished, sinceModSeq >= mailbox.DeletedModSeq, mailbox.HighestModSeq, mailbox.UidNext, mailbox.UidValidity));
    }

    public Task<byte[]?[]> GetSummariesAsync(Guid[] bodyIds) => _summaries.GetAsync(_index, bodyIds);

    public Task PutSummaryAsync(Guid bodyId, byte[] summary)
    {
        if (_summaries.Wants(_index, bodyId))
        {
            _summaries.Add(bodyId, summary);
        }

        return Task.CompletedTask;
    }

    public Task SubscribeAsync(IMailboxObserver observer)
    {
        _observers.Subscribe(observer, MailAccessor.Current);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IMailboxObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<UserStats> GetStatsAsync() => Task.FromResult(new UserStats(
        _index.Mailboxes.Count,
        _index.MessageCount,
        _index.Mailboxes.Values.Sum(m => m.Messages.Sum(r => r.Size)),
        _manifest.State.Seq,
        _checkpoints.Pending.Count,
        _activationId,
        _silo.SiloAddress.ToString(),
        _index.Tombstones.Count,
        _checkpoints.LastCheckpointBytes,
        _loadedFrom,
        _observers.Count));

    public Task CheckpointAsync() => CheckpointCoreAsync(forceSnapshot: false);

    public async Task<VerifyReport> VerifyAsync()
    {
        var stored = new HashSet<Guid>();
        var sharedContent = new Dictionary<Guid, string>();
        await foreach (var entry in _store.ListAllAsync(_names.MessagesPrefix).ConfigureAwait(true))
        {
            if (UserObjectNames.TryParseBody(entry.Name, out var id, out _))
            {
                stored.Add(id);
                if (entry.Metadata.TryGetValue(SharedContent.ContentKey, out var content))
                {
                    sharedContent[id] = content;
                }
            }
        }

        var records = _index.Mailboxes.Values.SelectMany(m => m.Messages).ToList();
        var referenced = records.Select(r => r.BodyId).ToHashSet();

        // A copy of a message stored once is only whole with its shared content (one look per content).
        var contentPresent = new Dictionary<string, bool>(StringComparer.Ordinal);
        var missingContent = new HashSet<Guid>();
        foreach (var (body, content) in sharedContent.Where(c => referenced.Contains(c.Key)))
        {
            if (!contentPresent.TryGetValue(content, out var present))
            {
                contentPresent[content] = present = await GuardAsync(() => _store.GetPropertiesAsync(content)).ConfigureAwait(true) is not null;
            }

            if (!present)
            {
                missingContent.Add(body);
            }
        }

        return await VerifyIndexObjectsAsync(new VerifyReport(
            records.Count,
            stored.Count,
            [.. referenced.Where(b => !stored.Contains(b) || missingContent.Contains(b)).Order()],
            [.. stored.Where(b => !referenced.Contains(b) && !_index.Tombstones.ContainsKey(b)).Order()],
            [.. _index.Tombstones.Keys.Where(stored.Contains).Order()])).ConfigureAwait(true);
    }

    /// <summary>The user's index objects against the manifest and the index: what history GC has left to do, and any leak.</summary>
    private async Task<VerifyReport> VerifyIndexObjectsAsync(VerifyReport report)
    {
        var manifest = _manifest.State;
        var named = manifest.Snapshots.Concat(manifest.Segments).Select(o => o.Name).Concat(_index.SummaryBatches).ToHashSet(StringComparer.Ordinal);
        named.Remove(UserIndex.DroppedBatch);

        // A merge may name again a batch collected earlier that no record needs: only those some summary is read from must be there.
        var needed = named.Except(_index.UnreferencedSummaryBatches()).ToList();
        var retired = manifest.Retired.ToHashSet(StringComparer.Ordinal);
        int total = 0, retiredCount = 0, unmerged = 0;
        var unaccounted = new List<string>();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in _store.ListAllAsync(_names.IndexPrefix).ConfigureAwait(true))
        {
            total++;
            var name = entry.Name[_names.IndexPrefix.Length..];
            stored.Add(name);
            if (retired.Contains(name))
            {
                retiredCount++;
            }
            else if (SegmentNames.TryParseLog(name, out var seq, out _))
            {
                unmerged += manifest.Accounts(name, seq) ? 0 : 1;
            }
            else if (!named.Contains(name))
            {
                unaccounted.Add(name);
            }
        }

        return report with
        {
            IndexObjects = total,
            RetiredIndexObjects = retiredCount,
            UnmergedSegments = unmerged,
            UnaccountedIndexObjects = [.. unaccounted],
            MissingIndexObjects = [.. needed.Where(n => !stored.Contains(n)).Order(StringComparer.Ordinal)],
        };
    }

    public async Task<int> RecoverNowAsync()
    {
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        var recovered = await RecoverAsync(CancellationToken.None, everything: true).ConfigureAwait(true);
        try
        {
            await CheckpointCoreAsync(forceSnapshot: false).ConfigureAwait(true);
        }
        catch (MailStoreException)
        {
            // The recovered UIDs are not durable yet and may exceed the allocation cap: hand the user to a fresh
            // activation (which raises counters and recovers again) rather than serve them.
            _lease.Fence();
            throw;
        }

        return recovered;
    }

    public async Task DeactivateAsync()
    {
        await CheckpointCoreAsync(forceSnapshot: false).ConfigureAwait(true);
        await CheckpointFullTextAsync(leaving: true).ConfigureAwait(true);
        DeactivateOnIdle();
    }

    private MailboxCommands NewCommands() => new(
        new MailboxIdentity(_names.User, () => _lease.Born, _time),
        new MailboxLimits(_options.MaxMailboxes, _options.MaxKeywordsPerMailbox, _options.ExpungeHistoryLimit),
        _time);

    private MailboxState Mailbox(Guid id) => _index.FindMailbox(id) ?? throw MailStoreException.NotFound($"mailbox {id} does not exist");

    /// <summary>The mailbox a name refers to; INBOX and the well-known folders are created by their first reference.</summary>
    private async Task<MailboxState> ResolveAsync(string name)
    {
        if (_commands.Find(_index, name, out var creation) is { } found)
        {
            return found;
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync(creation).ConfigureAwait(true);
        return _index.FindMailbox(((MailboxCreated)creation[^1]).MailboxId)!;
    }

    /// <summary>A mailbox's counters, the per-message ones in one pass (STATUS and LIST-STATUS of large mailboxes).</summary>
    private MailboxInfo Info(MailboxState m)
    {
        int unseen = 0, deleted = 0;
        long size = 0, deletedSize = 0;
        foreach (var r in m.Messages)
        {
            size += r.Size;
            unseen += (r.Flags & MessageFlags.Seen) == 0 ? 1 : 0;
            if ((r.Flags & MessageFlags.Deleted) != 0)
            {
                deleted++;
                deletedSize += r.Size;
            }
        }

        return new(
            m.Id,
            m.Name,
            m.SpecialUse,
            _index.Subscriptions.Contains(m.Name),
            m.UidValidity,
            m.UidNext,
            m.HighestModSeq,
            m.Messages.Count,
            unseen,
            size,
            _index.Mailboxes.Values.Any(c => MailboxName.IsBelow(c.Name, m.Name)),
            m.Messages.Count - m.LowerBound(_recentClaimed.GetValueOrDefault(m.Id) + 1),
            deleted,
            deletedSize);
    }

    private static MessageView View(MessageRecord r) =>
        new(r.RecordId, r.BodyId, r.Uid, r.Flags, r.Keywords, r.ModSeq, r.InternalDate, r.SaveDate, r.Size);

    /// <summary>Persist (memory + local journal), then notify (docs/architecture.md, house rules: persist, then notify); checkpoint if enough piled up.</summary>
    /// <param name="recoverableFromBody">
    /// Every entry is a saved message whose body object carries its mailbox, flags and date: after a power loss the
    /// unclean takeover's recovery indexes it again (with new counters), so the journal is not synced for it alone;
    /// the next synced commit covers it, as the file is synced whole.
    /// </param>
    private async Task CommitAsync(IEnumerable<JournalEntry> entries, bool recoverableFromBody = false)
    {
        _commits++;
        var touched = new HashSet<Guid>();
        var accountChanges = _observers.Count == 0 ? null : new List<AccountChange>();
        foreach (var e in entries)
        {
            var before = accountChanges is null ? null : AccountChangeBefore(e);
            _index.Apply(e);
            if (accountChanges is not null && AccountChangeAfter(e, before) is { } change)
            {
                accountChanges.Add(change);
            }

            _checkpoints.Pending.Add(e);
            _journal?.Append(e);
            touched.Add(e switch
            {
                MessageAdded a => a.MailboxId,
                FlagsChanged f => f.MailboxId,
                MessagesExpunged x => x.MailboxId,
                MailboxCreated c => c.MailboxId,
                MailboxRenamed r => r.MailboxId,
                MailboxDeleted d => d.MailboxId,
                MetadataChanged m => m.MailboxId, // an access control list among them: sessions of others look again
                _ => Guid.Empty,
            });
        }

        if (_journal is not null && _options.SyncJournal && !recoverableFromBody)
        {
            // Durable before anyone hears of it: promise 3 holds across a power loss, not only a killed process.
            await _journal.SyncAsync().ConfigureAwait(true);
        }

        Notify(touched);
        if (accountChanges is { Count: > 0 })
        {
            _observers.Notify([.. accountChanges]);
        }

        if (_checkpoints.Pending.Count >= _options.CheckpointChangeThreshold)
        {
            await TryCheckpointAsync().ConfigureAwait(true);
        }
    }

    /// <summary>What an entry is about to change that its own fields do not say: the name a rename or a deletion takes away.</summary>
    private string? AccountChangeBefore(JournalEntry entry) => entry switch
    {
        MailboxRenamed r => _index.FindMailbox(r.MailboxId)?.Name,
        MailboxDeleted d => _index.FindMailbox(d.MailboxId)?.Name,
        _ => null,
    };

    /// <summary>
    /// The change an applied entry makes to names, subscriptions or annotations (RFC 5465 §5.4–5.7); null for the
    /// rest. Internal attributes (access lists, private \Seen, "shared by" notes) are not annotations: their names
    /// do not start with "/".
    /// </summary>
    private AccountChange? AccountChangeAfter(JournalEntry entry, string? nameBefore)
    {
        var origin = ChangeOrigin.Current;
        bool Subscribed(string name) => _index.Subscriptions.Contains(name);
        return entry switch
        {
            MailboxCreated c => new AccountChange(AccountChangeKind.MailboxCreated, c.Name, null, null, Subscribed(c.Name), origin),
            MailboxRenamed r when nameBefore is not null && nameBefore != r.Name =>
                new AccountChange(AccountChangeKind.MailboxRenamed, r.Name, nameBefore, null, Subscribed(r.Name), origin),
            MailboxDeleted when nameBefore is not null => new AccountChange(AccountChangeKind.MailboxDeleted, nameBefore, null, null, Subscribed(nameBefore), origin),
            SubscriptionChanged sc => new AccountChange(AccountChangeKind.SubscriptionChanged, sc.Name, null, null, sc.Subscribed, origin),
            MetadataChanged m when m.Entry.StartsWith('/') && (m.MailboxId == Guid.Empty || _index.FindMailbox(m.MailboxId) is not null) =>
                new AccountChange(AccountChangeKind.MetadataChanged, m.MailboxId == Guid.Empty ? "" : _index.FindMailbox(m.MailboxId)!.Name, null, m.Entry, false, origin),
            _ => null,
        };
    }

    private void Notify(IEnumerable<Guid> mailboxIds)
    {
        // Every commit passes here: with nobody watching (most deliveries), nothing is built.
        if (_observers.Count == 0)
        {
            return;
        }

        _observers.Notify([.. mailboxIds.Where(id => id != Guid.Empty).Select(id =>
        {
            var m = _index.FindMailbox(id);
            return new MailboxChange(id, m?.HighestModSeq ?? 0, m?.UidNext ?? 0, _activationId);
        })]);
    }

    /// <summary>Makes room for <paramref name="allocations"/> UIDs/modseqs under the cap, checkpointing first if needed (writes wait).</summary>
    private async Task ReserveAsync(int allocations)
    {
        if (_allocatedSinceCheckpoint + allocations > _options.AllocationCap)
        {
            await CheckpointCoreAsync(forceSnapshot: false).ConfigureAwait(true);
        }

        _allocatedSinceCheckpoint += allocations;
    }

    private static Task<T> GuardAsync<T>(Func<Task<T>> call) => StoreUnavailable.GuardAsync(call, "object store unavailable");
}
