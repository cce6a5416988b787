using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansMail.Errors;
using OrleansMail.Grains.Cache;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Leases;

namespace OrleansMail.Grains;

/// <summary>
/// One user's mail store (docs/architecture.md, Grains): the index in memory, every change journaled to the silo's disk,
/// checkpointed to the object store, guarded by the lease and the manifest's ETag.
/// </summary>
public sealed partial class UserGrain : Grain, IUserGrain
{
    /// <summary>INBOX and the folders created on first use, in the order a first LIST creates them.</summary>
    private static readonly string[] WellKnownNames = [MailboxName.Inbox, "Drafts", "Sent", "Trash", "Junk", "Archive"];

    private static readonly Dictionary<string, SpecialUse> CreatedOnFirstUse = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Drafts"] = SpecialUse.Drafts,
        ["Sent"] = SpecialUse.Sent,
        ["Trash"] = SpecialUse.Trash,
        ["Junk"] = SpecialUse.Junk,
        ["Archive"] = SpecialUse.Archive,
    };

    private readonly IPersistentState<UserManifest> _manifest;
    private readonly IObjectStore _store;
    private readonly UserGrainOptions _options;
    private readonly Dictionary<Guid, HashSet<string>> _mailboxKeywords = [];
    private static readonly TimeSpan NotificationTimeout = TimeSpan.FromSeconds(5);
    private readonly ILogger<UserGrain> _log;
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly OrphanJournalUploader _orphans;
    private readonly MailStoreMetrics _metrics;
    private readonly LocalIndexCache? _cache;
    private readonly Guid _activationId = Guid.NewGuid();
    private readonly List<JournalEntry> _pending = [];

    /// <summary>Set when the activation ends: its last checkpoint writes every pending summary, however few.</summary>
    private bool _flushSummaries;

    /// <summary>The retired names of the last manifest read or written: only those may be deleted.</summary>
    private HashSet<string> _durableRetired = [];

    /// <summary>Set by every write, cleared by each renewal: an activation that writes nothing renews nothing.</summary>
    private bool _writesSinceRenewal;
    private readonly List<(long Seq, string Name, int Entries)> _staged = [];
    private readonly Dictionary<Guid, byte[]> _pendingSummaries = [];
    private readonly Dictionary<string, Dictionary<Guid, byte[]>> _summaryBatches = new(StringComparer.Ordinal);
    private readonly Dictionary<IMailboxObserver, DateTimeOffset> _observers = [];

    // Highest UID per mailbox some session has claimed as \Recent. Kept in memory only: after a reactivation
    // every message is recent once more to the first session, as with a fresh Dovecot index; \Recent is advisory
    // (IMAP4rev2 dropped it) and not worth a journal write on every SELECT.
    private readonly Dictionary<Guid, uint> _recentClaimed = [];

    private UserObjectNames _names = null!;
    private UserLease _lease = null!;
    private UserIndex _index = new();
    private LocalJournal? _journal;
    private int _allocatedSinceCheckpoint;
    private bool _fenced;
    private string _loadedFrom = "empty";
    private long _lastCheckpointBytes;

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
        TimeProvider time)
    {
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

    public Task<MailboxInfo[]> ListMailboxesAsync() =>
        Task.FromResult(_index.Mailboxes.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(Info).ToArray());

    public async Task<MailboxInfo> GetMailboxAsync(string name) => Info(await ResolveAsync(name).ConfigureAwait(true));

    public async Task<MailboxInfo> CreateMailboxAsync(string name, SpecialUse specialUse = SpecialUse.None)
    {
        var normalized = ValidName(name);
        if (_index.FindMailbox(normalized) is not null)
        {
            throw MailStoreException.AlreadyExists($"mailbox {normalized} already exists");
        }

        await EnsureWritableAsync().ConfigureAwait(true);
        var entries = new List<JournalEntry>();
        var uidValidity = _index.LastUidValidity;

        // RFC 3501 §6.3.3: create the superior levels a name needs.
        for (var parent = MailboxName.Parent(normalized); parent is not null; parent = MailboxName.Parent(parent))
        {
            if (_index.FindMailbox(parent) is null)
            {
                uidValidity = NextUidValidity(uidValidity);
                entries.Insert(0, new MailboxCreated(Now, Guid.NewGuid(), parent, SpecialUse.None, uidValidity));
            }
        }

        // Every LIST walks all mailboxes (a pattern costs its length per name): their number is a budget too.
        if (!MailboxName.IsInbox(normalized) && _index.Mailboxes.Count + entries.Count + 1 > _options.MaxMailboxes)
        {
            throw MailStoreException.LimitReached($"A user holds at most {_options.MaxMailboxes} mailboxes");
        }

        var id = MailboxIdFor(normalized);
        uidValidity = FirstUidValidity(normalized, id, uidValidity);
        entries.Add(new MailboxCreated(Now, id, normalized, specialUse, uidValidity));
        await CommitAsync(entries).ConfigureAwait(true);
        return Info(_index.FindMailbox(id)!);
    }

    public async Task RenameMailboxAsync(string oldName, string newName)
    {
        var source = _index.FindMailbox(MailboxName.Normalize(oldName)) ?? throw MailStoreException.NotFound($"mailbox {oldName} does not exist");
        var target = ValidName(newName);
        if (_index.FindMailbox(target) is not null)
        {
            throw MailStoreException.AlreadyExists($"mailbox {target} already exists");
        }

        await EnsureWritableAsync().ConfigureAwait(true);
        if (source.Name == MailboxName.Inbox)
        {
            // RFC 3501 §6.3.5: renaming INBOX moves its messages to the new name and leaves INBOX empty.
            var created = await CreateMailboxAsync(target).ConfigureAwait(true);
            var all = UidSet.Range(1, uint.MaxValue);
            await CopyAsync(source.Id, all, created.Id, move: true).ConfigureAwait(true);
            return;
        }

        var entries = new List<JournalEntry>();
        foreach (var m in _index.Mailboxes.Values.Where(m => m.Id == source.Id || MailboxName.IsBelow(m.Name, source.Name)).ToList())
        {
            entries.Add(new MailboxRenamed(Now, m.Id, target + m.Name[source.Name.Length..]));
        }

        for (var parent = MailboxName.Parent(target); parent is not null; parent = MailboxName.Parent(parent))
        {
            if (_index.FindMailbox(parent) is null)
            {
                entries.Insert(0, new MailboxCreated(Now, Guid.NewGuid(), parent, SpecialUse.None, NextUidValidity(_index.LastUidValidity)));
            }
        }

        await CommitAsync(entries).ConfigureAwait(true);
    }

    public async Task DeleteMailboxAsync(string name)
    {
        var mailbox = _index.FindMailbox(MailboxName.Normalize(name)) ?? throw MailStoreException.NotFound($"mailbox {name} does not exist");
        if (mailbox.Name == MailboxName.Inbox)
        {
            throw MailStoreException.Invalid("INBOX cannot be deleted");
        }

        await EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([new MailboxDeleted(Now, mailbox.Id)]).ConfigureAwait(true);
    }

    public async Task SetSubscriptionAsync(string name, bool subscribed)
    {
        var normalized = ValidName(name);
        if (_index.Subscriptions.Contains(normalized) == subscribed)
        {
            return;
        }

        await EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([new SubscriptionChanged(Now, normalized, subscribed)]).ConfigureAwait(true);
    }

    /// <summary>
    /// Keeps the distinct keywords of a mailbox within <see cref="UserGrainOptions.MaxKeywordsPerMailbox"/> (each is
    /// in every SELECT's FLAGS and every record that carries it). The set is learnt from the records on first use
    /// and only grows while the grain lives, which errs on the side of the cap.
    /// </summary>
    private string[] AdmitKeywords(MailboxState mailbox, string[] keywords, bool refuse)
    {
        if (keywords.Length == 0)
        {
            return keywords;
        }

        if (!_mailboxKeywords.TryGetValue(mailbox.Id, out var known))
        {
            known = new HashSet<string>(mailbox.Messages.SelectMany(m => m.Keywords), StringComparer.Ordinal);
            _mailboxKeywords[mailbox.Id] = known;
        }

        var admitted = new List<string>(keywords.Length);
        foreach (var keyword in keywords)
        {
            if (known.Contains(keyword) || known.Count < _options.MaxKeywordsPerMailbox)
            {
                known.Add(keyword);
                admitted.Add(keyword);
            }
            else if (refuse)
            {
                throw MailStoreException.LimitReached($"A mailbox holds at most {_options.MaxKeywordsPerMailbox} keywords");
            }
        }

        return admitted.Count == keywords.Length ? keywords : [.. admitted];
    }

    public async Task<SaveResult> SaveAsync(SaveRequest request)
    {
        await EnsureWritableAsync().ConfigureAwait(true);
        if (_index.IsBodyReferenced(request.BodyId) && _index.FindRecord(request.BodyId) is var (existingBox, existing))
        {
            return new SaveResult(existingBox.Id, existingBox.UidValidity, existing.Uid, existing.ModSeq, AlreadyIndexed: true);
        }

        var mailbox = request.MailboxId is { } id
            ? _index.FindMailbox(id) ?? throw MailStoreException.NotFound($"mailbox {id} does not exist")
            : await ResolveAsync(request.MailboxName ?? MailboxName.Inbox).ConfigureAwait(true);
        await ReserveAsync(2).ConfigureAwait(true);
        var record = new MessageRecord
        {
            RecordId = request.BodyId,
            BodyId = request.BodyId,
            Uid = mailbox.UidNext,
            Flags = request.Flags,
            // A message is never refused for its keywords once its body is stored: past the cap they are dropped.
            Keywords = AdmitKeywords(mailbox, Keywords.Normalize(request.Keywords), refuse: false),
            ModSeq = mailbox.HighestModSeq + 1,
            InternalDate = request.InternalDate,
            SaveDate = Now,
            Size = request.Size,
        };
        if (request.Summary is { } summary)
        {
            _pendingSummaries[request.BodyId] = summary;
        }

        await CommitAsync([new MessageAdded(Now, mailbox.Id, record)]).ConfigureAwait(true);
        return new SaveResult(mailbox.Id, mailbox.UidValidity, record.Uid, record.ModSeq, AlreadyIndexed: false);
    }

    public Task<MessageView[]> FetchAsync(Guid mailboxId, UidSet uids, ulong changedSince = 0)
    {
        var mailbox = Mailbox(mailboxId);
        var views = new List<MessageView>();
        foreach (var record in Select(mailbox, uids))
        {
            if (record.ModSeq > changedSince)
            {
                views.Add(View(record));
            }
        }

        return Task.FromResult(views.ToArray());
    }

    public async Task<StoreResult> StoreFlagsAsync(Guid mailboxId, UidSet uids, FlagOperation operation, MessageFlags flags, string[] keywords, ulong unchangedSince = 0)
    {
        await EnsureWritableAsync().ConfigureAwait(true);
        var mailbox = Mailbox(mailboxId);
        await ReserveAsync(1).ConfigureAwait(true);
        var modSeq = mailbox.HighestModSeq + 1;
        var kw = operation == FlagOperation.Remove ? Keywords.Normalize(keywords) : AdmitKeywords(mailbox, Keywords.Normalize(keywords), refuse: true);
        var entries = new List<JournalEntry>();
        var modified = new List<uint>();
        foreach (var record in Select(mailbox, uids))
        {
            if (unchangedSince != 0 && record.ModSeq > unchangedSince)
            {
                modified.Add(record.Uid);
                continue;
            }

            var (newFlags, newKeywords) = operation switch
            {
                FlagOperation.Add => (record.Flags | flags, Keywords.Union(record.Keywords, kw)),
                FlagOperation.Remove => (record.Flags & ~flags, Keywords.Except(record.Keywords, kw)),
                _ => (flags, kw),
            };
            if (newFlags != record.Flags || !newKeywords.AsSpan().SequenceEqual(record.Keywords))
            {
                entries.Add(new FlagsChanged(Now, mailbox.Id, record.Uid, newFlags, newKeywords, modSeq));
            }
        }

        await CommitAsync(entries).ConfigureAwait(true);
        var changed = entries.OfType<FlagsChanged>().Select(e => View(mailbox.FindByUid(e.Uid)!)).ToArray();
        return new StoreResult(changed, UidSet.FromRanges(modified.Select(u => (u, u))), mailbox.HighestModSeq);
    }

    public async Task<ExpungeResult> ExpungeAsync(Guid mailboxId, UidSet? uids = null)
    {
        await EnsureWritableAsync().ConfigureAwait(true);
        var mailbox = Mailbox(mailboxId);
        var doomed = Select(mailbox, uids ?? UidSet.Range(1, uint.MaxValue)).Where(r => r.Flags.HasFlag(MessageFlags.Deleted)).Select(r => (r.Uid, r.Uid)).ToList();
        if (doomed.Count == 0)
        {
            return new ExpungeResult(UidSet.Empty, mailbox.HighestModSeq);
        }

        await ReserveAsync(1).ConfigureAwait(true);
        var set = UidSet.FromRanges(doomed);
        var modSeq = mailbox.HighestModSeq + 1;
        await CommitAsync(ExpungeEntries(mailbox, set, modSeq)).ConfigureAwait(true);
        return new ExpungeResult(set, modSeq);
    }

    public async Task<CopyResult> CopyAsync(Guid sourceMailboxId, UidSet uids, Guid destinationMailboxId, bool move)
    {
        await EnsureWritableAsync().ConfigureAwait(true);
        var source = Mailbox(sourceMailboxId);
        var destination = Mailbox(destinationMailboxId);
        var records = Select(source, uids).ToList();
        var sourceUids = new List<uint>(records.Count);
        var destinationUids = new List<uint>(records.Count);

        // Chunks keep every step under the allocation cap, so one huge COPY cannot outrun a checkpoint. A COPY is all
        // or nothing (RFC 3501 §6.4.7): when a later chunk cannot be committed (its checkpoint fails), the copies
        // already made are expunged again before the failure is reported, so a client's retry duplicates nothing.
        // Each chunk leaves room under the cap for that one expunge.
        var chunk = Math.Max(1, (_options.AllocationCap / 2) - 2);
        for (var start = 0; start < records.Count; start += chunk)
        {
            var part = records.Skip(start).Take(chunk).ToList();
            try
            {
                await ReserveAsync(part.Count + 2).ConfigureAwait(true);
            }
            catch (Exception) when (!move && destinationUids.Count > 0)
            {
                await UndoCopiesAsync(destination, destinationUids).ConfigureAwait(true);
                throw;
            }

            var modSeq = destination.HighestModSeq + 1;
            var entries = new List<JournalEntry>(part.Count + 1);
            var uid = destination.UidNext;
            foreach (var r in part)
            {
                var copy = r with { RecordId = Guid.NewGuid(), Uid = uid++, ModSeq = modSeq, SaveDate = Now };
                entries.Add(new MessageAdded(Now, destination.Id, copy));
                sourceUids.Add(r.Uid);
                destinationUids.Add(copy.Uid);
            }

            if (move)
            {
                entries.AddRange(ExpungeEntries(source, UidSet.FromRanges(part.Select(r => (r.Uid, r.Uid))), source.HighestModSeq + (source.Id == destination.Id ? 2UL : 1UL)));
            }

            await CommitAsync(entries).ConfigureAwait(true);
        }

        var expunged = move ? UidSet.FromRanges(sourceUids.Select(u => (u, u))) : UidSet.Empty;
        return new CopyResult(destination.UidValidity, [.. sourceUids], [.. destinationUids], expunged);
    }

    private async Task UndoCopiesAsync(MailboxState destination, List<uint> copies)
    {
        var set = UidSet.FromRanges(copies.Select(u => (u, u)));
        await CommitAsync(ExpungeEntries(destination, set, destination.HighestModSeq + 1)).ConfigureAwait(true);
        _log.LogWarning("User {User}: a COPY failed partway; its {Count} copies were expunged again", _names.User, copies.Count);
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
        var changed = mailbox.Messages.Where(r => r.ModSeq > sinceModSeq).Select(View).ToArray();
        var vanished = UidSet.FromRanges(mailbox.Expunged.Where(e => e.ModSeq > sinceModSeq).Select(e => (e.First, e.Last)));
        return Task.FromResult(new ChangeSet(changed, vanished, sinceModSeq >= mailbox.DeletedModSeq, mailbox.HighestModSeq, mailbox.UidNext, mailbox.UidValidity));
    }

    public async Task<byte[]?[]> GetSummariesAsync(Guid[] bodyIds)
    {
        var result = new byte[]?[bodyIds.Length];
        for (var i = 0; i < bodyIds.Length; i++)
        {
            if (_pendingSummaries.TryGetValue(bodyIds[i], out var pending))
            {
                result[i] = pending;
                continue;
            }

            var batch = _index.SummaryBatchOf(bodyIds[i]);
            if (batch is not null)
            {
                result[i] = (await LoadSummaryBatchAsync(batch).ConfigureAwait(true)).GetValueOrDefault(bodyIds[i]);
            }
        }

        return result;
    }

    public Task PutSummaryAsync(Guid bodyId, byte[] summary)
    {
        if (_index.IsBodyReferenced(bodyId) && _index.SummaryBatchOf(bodyId) is null)
        {
            _pendingSummaries[bodyId] = summary;
        }

        return Task.CompletedTask;
    }

    public Task SubscribeAsync(IMailboxObserver observer)
    {
        _observers[observer] = _time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IMailboxObserver observer)
    {
        _observers.Remove(observer);
        return Task.CompletedTask;
    }

    public Task<UserStats> GetStatsAsync() => Task.FromResult(new UserStats(
        _index.Mailboxes.Count,
        _index.MessageCount,
        _index.Mailboxes.Values.Sum(m => m.Messages.Sum(r => r.Size)),
        _manifest.State.Seq,
        _pending.Count,
        _activationId,
        _silo.SiloAddress.ToString(),
        _index.Tombstones.Count,
        _lastCheckpointBytes,
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

        return new VerifyReport(
            records.Count,
            stored.Count,
            [.. referenced.Where(b => !stored.Contains(b) || missingContent.Contains(b)).Order()],
            [.. stored.Where(b => !referenced.Contains(b) && !_index.Tombstones.ContainsKey(b)).Order()],
            [.. _index.Tombstones.Keys.Where(stored.Contains).Order()]);
    }

    public async Task<int> RecoverNowAsync()
    {
        await EnsureWritableAsync().ConfigureAwait(true);
        var recovered = await RecoverAsync(CancellationToken.None, everything: true).ConfigureAwait(true);
        try
        {
            await CheckpointCoreAsync(forceSnapshot: false).ConfigureAwait(true);
        }
        catch (MailStoreException)
        {
            // The recovered UIDs are not durable yet and may exceed the allocation cap: hand the user to a fresh
            // activation (which raises counters and recovers again) rather than serve them.
            _fenced = true;
            DeactivateOnIdle();
            throw;
        }

        return recovered;
    }

    public async Task DeactivateAsync()
    {
        await CheckpointCoreAsync(forceSnapshot: false).ConfigureAwait(true);
        DeactivateOnIdle();
    }

    private MailboxState Mailbox(Guid id) => _index.FindMailbox(id) ?? throw MailStoreException.NotFound($"mailbox {id} does not exist");

    private static IEnumerable<MessageRecord> Select(MailboxState mailbox, UidSet uids)
    {
        foreach (var (first, last) in uids.Ranges)
        {
            for (var i = mailbox.LowerBound(first); i < mailbox.Messages.Count && mailbox.Messages[i].Uid <= last; i++)
            {
                yield return mailbox.Messages[i];
            }
        }
    }

    private IEnumerable<JournalEntry> ExpungeEntries(MailboxState mailbox, UidSet uids, ulong modSeq)
    {
        yield return new MessagesExpunged(Now, mailbox.Id, uids, modSeq);
        if (mailbox.Expunged.Count > _options.ExpungeHistoryLimit)
        {
            // Fold the oldest half of the history into DELETEDMODSEQ (RFC 7162 §3.2.10 lets the server forget).
            var floor = mailbox.Expunged[mailbox.Expunged.Count / 2].ModSeq;
            yield return new ExpungeHistoryTrimmed(Now, mailbox.Id, floor);
        }
    }

    private async Task<MailboxState> ResolveAsync(string name)
    {
        var normalized = MailboxName.Normalize(name);
        var found = _index.FindMailbox(normalized);
        if (found is not null)
        {
            return found;
        }

        if (normalized == MailboxName.Inbox)
        {
            await CreateMailboxAsync(MailboxName.Inbox).ConfigureAwait(true);
        }
        else if (CreatedOnFirstUse.TryGetValue(normalized, out var use))
        {
            await CreateMailboxAsync(normalized, use).ConfigureAwait(true);
        }
        else
        {
            throw MailStoreException.NotFound($"mailbox {name} does not exist");
        }

        return _index.FindMailbox(normalized)!;
    }

    private static string ValidName(string name)
    {
        var normalized = MailboxName.Normalize(name);
        return MailboxName.IsValid(normalized) ? normalized : throw MailStoreException.Invalid($"invalid mailbox name '{name}'");
    }

    private uint NextUidValidity(uint after) => Math.Max(after + 1, (uint)Math.Min(uint.MaxValue, _time.GetUtcNow().ToUnixTimeSeconds()));

    /// <summary>INBOX has one id per user, so two writers that each create it on first use create the same mailbox.</summary>
    private Guid InboxId() => WellKnownId(MailboxName.Inbox);

    /// <summary>
    /// INBOX and the special-use folders created on first use have one id per user, like INBOX: two writers that
    /// each create "Sent" (a client's first LIST on each side of a failure) create the same mailbox, which a merge
    /// joins instead of renaming one to "Sent-1a2b3c4d". Every other name gets a fresh id: a mailbox keeps its id
    /// through a rename, so names alone cannot identify mailboxes. A well-known name whose id a renamed mailbox
    /// still holds gets a fresh one too.
    /// </summary>
    private Guid MailboxIdFor(string normalized)
    {
        if (!MailboxName.IsInbox(normalized) && !CreatedOnFirstUse.Keys.Contains(normalized, StringComparer.Ordinal))
        {
            return Guid.NewGuid();
        }

        var id = WellKnownId(normalized);
        return _index.FindMailbox(id) is null ? id : Guid.NewGuid();
    }

    /// <summary>
    /// The UIDVALIDITY of a new mailbox: above every earlier one of the user (RFC 3501 §2.3.1.1). For the first
    /// incarnation of INBOX or a special-use folder (its well-known id, nothing above the value yet) it is derived
    /// from the lease's birth, which every writer of the user reads alike: two writers that each create "Sent" on
    /// either side of a failure give it the same UIDVALIDITY, and the merge changes it for no client (mbsync stops
    /// at any change of a mailbox it holds messages of). Every later one comes from the clock.
    /// </summary>
    private uint FirstUidValidity(string normalized, Guid id, uint after)
    {
        // An empty index long after the user's birth is a lost index being rebuilt, not a first activation: its
        // clients hold UIDs under the derived values already, so those must not come back.
        var rank = Array.IndexOf(WellKnownNames, normalized);
        var young = _time.GetUtcNow() - _lease.Born < TimeSpan.FromHours(1);
        if (rank >= 0 && id == WellKnownId(normalized) && (after > 0 || young))
        {
            var derived = (uint)Math.Clamp(_lease.Born.ToUnixTimeSeconds() + rank, 1, uint.MaxValue);
            if (derived > after)
            {
                return derived;
            }
        }

        return NextUidValidity(after);
    }

    private Guid WellKnownId(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name + "\n" + _names.User));
        return new Guid(hash.AsSpan(0, 16));
    }

    private MailboxInfo Info(MailboxState m) => new(
        m.Id,
        m.Name,
        m.SpecialUse,
        _index.Subscriptions.Contains(m.Name),
        m.UidValidity,
        m.UidNext,
        m.HighestModSeq,
        m.Messages.Count,
        m.Messages.Count(r => !r.Flags.HasFlag(MessageFlags.Seen)),
        m.Messages.Sum(r => r.Size),
        _index.Mailboxes.Values.Any(c => MailboxName.IsBelow(c.Name, m.Name)),
        m.Messages.Count - m.LowerBound(_recentClaimed.GetValueOrDefault(m.Id) + 1));

    private static MessageView View(MessageRecord r) =>
        new(r.RecordId, r.BodyId, r.Uid, r.Flags, r.Keywords, r.ModSeq, r.InternalDate, r.SaveDate, r.Size);

    private async Task<Dictionary<Guid, byte[]>> LoadSummaryBatchAsync(string name)
    {
        if (_summaryBatches.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var bytes = await GuardAsync(() => _store.ReadBytesAsync(_names.Index(name))).ConfigureAwait(true);
        var batch = bytes is null ? [] : SummaryBatchCodec.Decode(bytes);
        if (_summaryBatches.Count >= 64)
        {
            _summaryBatches.Remove(_summaryBatches.Keys.First());
        }

        _summaryBatches[name] = batch;
        return batch;
    }

    /// <summary>Persist (memory + local journal), then notify (docs/architecture.md, house rules: persist, then notify); checkpoint if enough piled up.</summary>
    private async Task CommitAsync(IEnumerable<JournalEntry> entries)
    {
        var touched = new HashSet<Guid>();
        foreach (var e in entries)
        {
            _index.Apply(e);
            _pending.Add(e);
            _journal?.Append(e);
            touched.Add(e switch
            {
                MessageAdded a => a.MailboxId,
                FlagsChanged f => f.MailboxId,
                MessagesExpunged x => x.MailboxId,
                MailboxCreated c => c.MailboxId,
                MailboxRenamed r => r.MailboxId,
                MailboxDeleted d => d.MailboxId,
                _ => Guid.Empty,
            });
        }

        if (_journal is not null && _options.SyncJournal)
        {
            // Durable before anyone hears of it: promise 3 holds across a power loss, not only a killed process.
            await _journal.SyncAsync().ConfigureAwait(true);
        }

        Notify(touched);
        if (_pending.Count >= _options.CheckpointChangeThreshold)
        {
            await TryCheckpointAsync().ConfigureAwait(true);
        }
    }

    private void Notify(IEnumerable<Guid> mailboxIds)
    {
        if (_observers.Count == 0)
        {
            return;
        }

        var stale = _time.GetUtcNow() - TimeSpan.FromMinutes(5);
        foreach (var (observer, since) in _observers.ToList())
        {
            if (since < stale)
            {
                _observers.Remove(observer);
            }
        }

        foreach (var id in mailboxIds.Where(id => id != Guid.Empty))
        {
            var m = _index.FindMailbox(id);
            var change = new MailboxChange(id, m?.HighestModSeq ?? 0, m?.UidNext ?? 0, _activationId);
            foreach (var observer in _observers.Keys)
            {
                _ = NotifyOneAsync(observer, change);
            }
        }
    }

    /// <summary>
    /// An observer whose session is gone (its object reference deleted, its silo or client down) fails the call or
    /// never answers: it is dropped at the first such notification instead of being called, and logging, on every
    /// change until it ages out. A live session answers in milliseconds; one dropped by mistake resubscribes at its
    /// next poll (sessions do every <c>IdlePollInterval</c>).
    /// </summary>
    private async Task NotifyOneAsync(IMailboxObserver observer, MailboxChange change)
    {
        try
        {
            await observer.OnMailboxChangedAsync(change).WaitAsync(NotificationTimeout, _time).ConfigureAwait(true);
        }
        catch (Exception e)
        {
            _observers.Remove(observer);
            _log.LogDebug(e, "Dropped an observer of {User} that failed a notification", this.GetPrimaryKeyString());
        }
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

    /// <summary>
    /// Before anything is acknowledged: this activation must still hold the lease. An idle activation lets it lapse
    /// (renewals cost a billed write each, docs/architecture.md "Leases"), so the first write after a quiet
    /// period takes it back with one write conditional on the ETag this activation last wrote: if anyone else
    /// wrote the lease meanwhile (a successor took the user over), that write fails and this activation is fenced.
    /// </summary>
    private async Task EnsureWritableAsync()
    {
        if (_fenced)
        {
            throw MailStoreException.Unavailable("another writer took this user over; retry");
        }

        _writesSinceRenewal = true;
        if (_lease.IsValid)
        {
            return;
        }

        try
        {
            await _lease.RenewAsync().ConfigureAwait(true);
        }
        catch (LeaseLostException e)
        {
            _log.LogError(e, "User {User}: lease lost to another holder while idle; this activation stops writing", _names.User);
            _fenced = true;
            DeactivateOnIdle();
            throw MailStoreException.Unavailable("another writer took this user over; retry", e);
        }
        catch (ObjectStoreUnavailableException e)
        {
            throw MailStoreException.Unavailable("the user's lease cannot be renewed (store unreachable); retry", e);
        }

        if (!_lease.IsValid)
        {
            throw MailStoreException.Unavailable("the user's lease is not renewed (store too slow); retry");
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(true);
        }
        catch (ObjectStoreUnavailableException e)
        {
            throw MailStoreException.Unavailable("object store unavailable", e);
        }
    }
}
