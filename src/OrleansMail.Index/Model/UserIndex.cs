using OrleansMail.Index.Journal;
using OrleansMail.Mail;

namespace OrleansMail.Index.Model;

/// <summary>
/// The whole index of one user: a state machine over <see cref="JournalEntry"/>. Pure: no clock, no I/O.
/// </summary>
public sealed class UserIndex
{
    private readonly Dictionary<Guid, MailboxState> _mailboxes = [];
    private readonly SortedSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, long> _tombstones = [];
    private readonly List<string> _summaryBatches = [];
    private readonly SortedDictionary<MetadataKey, MetadataValue> _metadata = [];

    // Derived, rebuilt on load: every body some record names, with its summary batch (-1: none). Most bodies have
    // one record; the few a COPY shares are counted aside, so the map's entry per message stays a Guid and an int.
    private BodyMap _bodyReferences = new();
    private readonly Dictionary<Guid, int> _extraReferences = [];

    public IReadOnlyDictionary<Guid, MailboxState> Mailboxes => _mailboxes;

    public IReadOnlySet<string> Subscriptions => _subscriptions;

    /// <summary>Bodies no record references, with the time they became unreferenced; GC deletes them after a grace period.</summary>
    public IReadOnlyDictionary<Guid, long> Tombstones => _tombstones;

    /// <summary>
    /// Summary batch names by position; a dropped batch leaves <see cref="DroppedBatch"/> in its place, so the
    /// positions records carry through formats never move.
    /// </summary>
    public IReadOnlyList<string> SummaryBatches => _summaryBatches;

    /// <summary>METADATA entries (RFC 5464) of the server and of every mailbox, ordered by mailbox and name.</summary>
    public IReadOnlyDictionary<MetadataKey, MetadataValue> Metadata => _metadata;

    /// <summary>What the METADATA entries take: the names and values in octets, the measure the limits apply to.</summary>
    public long MetadataBytes { get; private set; }

    /// <summary>The name a dropped summary batch leaves at its position.</summary>
    public const string DroppedBatch = "";

    /// <summary>The highest UIDVALIDITY any mailbox of this user ever had: a recreated mailbox gets a higher one.</summary>
    public uint LastUidValidity { get; private set; }

    /// <summary>Records in every mailbox: a copy counts again (RFC 9208's MESSAGE resource).</summary>
    public int MessageCount { get; private set; }

    /// <summary>
    /// Octets of every record's message, a copy counting again (RFC 9208's STORAGE resource, as Dovecot counts it).
    /// Derived from the records like the body references, so a replay, a merge or a recovery gives it exactly.
    /// </summary>
    public long StorageBytes { get; private set; }

    public bool IsBodyReferenced(Guid bodyId) => _bodyReferences.ContainsKey(bodyId);

    /// <summary>Every body some record names, as a set of its own (the index keeps changing after it is taken).</summary>
    public HashSet<Guid> ReferencedBodies() => [.. _bodyReferences.Keys];

    /// <summary>
    /// Position in <see cref="SummaryBatches"/> of the batch holding this body's summary, or -1. This per-body map
    /// is the truth; a record's own <see cref="MessageRecord.SummaryBatch"/> only carries it through formats, so
    /// storing a batch costs O(batch), not a pass over every record.
    /// </summary>
    public int SummaryBatchIndexOf(Guid bodyId) => _bodyReferences.TryGetValue(bodyId, out var batch) ? batch : -1;

    /// <summary>The name of the summary batch holding this body's summary, or null.</summary>
    public string? SummaryBatchOf(Guid bodyId) =>
        _bodyReferences.TryGetValue(bodyId, out var batch) && batch >= 0 && _summaryBatches[batch] is { Length: > 0 } name ? name : null;

    /// <summary>The summary batches no referenced body's summary is in: nothing reads them again (docs/architecture.md, "History GC").</summary>
    public string[] UnreferencedSummaryBatches()
    {
        var used = new bool[_summaryBatches.Count];
        foreach (var batch in _bodyReferences.Values)
        {
            if (batch >= 0)
            {
                used[batch] = true;
            }
        }

        return [.. _summaryBatches.Where((name, i) => !used[i] && name.Length > 0)];
    }

    public MailboxState? FindMailbox(string name)
    {
        var normalized = MailboxName.Normalize(name);
        foreach (var m in _mailboxes.Values)
        {
            if (string.Equals(m.Name, normalized, StringComparison.Ordinal))
            {
                return m;
            }
        }

        return null;
    }

    public MailboxState? FindMailbox(Guid id) => _mailboxes.GetValueOrDefault(id);

    /// <summary>The record that names this body as its record id (a delivery or append), searched across mailboxes.</summary>
    public (MailboxState Mailbox, MessageRecord Record)? FindRecord(Guid recordId)
    {
        if (!_bodyReferences.ContainsKey(recordId))
        {
            return null;
        }

        foreach (var m in _mailboxes.Values)
        {
            foreach (var r in m.Messages)
            {
                if (r.RecordId == recordId)
                {
                    return (m, r);
                }
            }
        }

        return null;
    }

    public void Apply(JournalEntry entry)
    {
        switch (entry)
        {
            case MailboxCreated e:
                if (_mailboxes.ContainsKey(e.MailboxId))
                {
                    throw new IndexCorruptException($"mailbox {e.MailboxId} created twice");
                }

                _mailboxes.Add(e.MailboxId, new MailboxState { Id = e.MailboxId, Name = e.Name, SpecialUse = e.SpecialUse, UidValidity = e.UidValidity });
                LastUidValidity = Math.Max(LastUidValidity, e.UidValidity);
                break;
            case MailboxRenamed e:
                Mailbox(e.MailboxId).Name = e.Name;
                break;
            case MailboxDeleted e:
                {
                    var m = Mailbox(e.MailboxId);
                    foreach (var r in m.Messages)
                    {
                        Unreference(r, e.Timestamp);
                    }

                    m.ClearMessages();
                    _mailboxes.Remove(e.MailboxId);
                    foreach (var key in MetadataOf(e.MailboxId).Select(kv => kv.Key).ToList())
                    {
                        SetMetadata(key, null);
                    }

                    break;
                }

            case SubscriptionChanged e:
                if (e.Subscribed)
                {
                    _subscriptions.Add(e.Name);
                }
                else
                {
                    _subscriptions.Remove(e.Name);
                }

                break;
            case MessageAdded e:
                {
                    var m = Mailbox(e.MailboxId);
                    m.Insert(e.Record);
                    m.UidNext = Math.Max(m.UidNext, e.Record.Uid + 1);
                    m.HighestModSeq = Math.Max(m.HighestModSeq, e.Record.ModSeq);
                    Reference(e.Record);
                    break;
                }

            case FlagsChanged e:
                {
                    var m = Mailbox(e.MailboxId);
                    var i = m.IndexOfUid(e.Uid);
                    if (i < 0)
                    {
                        throw new IndexCorruptException($"flags changed on missing UID {e.Uid} in {e.MailboxId}");
                    }

                    m.Replace(i, m.Messages[i] with { Flags = e.Flags, Keywords = e.Keywords, ModSeq = e.ModSeq });
                    m.HighestModSeq = Math.Max(m.HighestModSeq, e.ModSeq);
                    break;
                }

            case MessagesExpunged e:
                {
                    var m = Mailbox(e.MailboxId);
                    var removed = new List<MessageRecord>();
                    m.RemoveUids(e.Uids, removed);
                    foreach (var r in removed)
                    {
                        Unreference(r, e.Timestamp);
                    }

                    foreach (var (first, last) in e.Uids.Ranges)
                    {
                        m.AddExpunged(new ExpungedRange(first, last, e.ModSeq));
                    }

                    m.HighestModSeq = Math.Max(m.HighestModSeq, e.ModSeq);
                    break;
                }

            case CountersRaised e:
                {
                    var m = Mailbox(e.MailboxId);
                    m.UidNext = Math.Max(m.UidNext, e.UidNext);
                    m.HighestModSeq = Math.Max(m.HighestModSeq, e.HighestModSeq);
                    break;
                }

            case TombstoneCleared e:
                _tombstones.Remove(e.BodyId);
                break;
            case MetadataChanged e:
                SetMetadata(new MetadataKey(e.MailboxId, e.Entry), e.Value is null ? null : new MetadataValue(e.Value, e.Timestamp));
                break;
            case SummaryBatchesDropped e:
                foreach (var name in e.BatchNames)
                {
                    var at = _summaryBatches.IndexOf(name);
                    if (at >= 0)
                    {
                        _summaryBatches[at] = DroppedBatch;
                    }
                }

                break;
            case SummaryBatchStored e:
                {
                    _summaryBatches.Add(e.BatchName);
                    var index = _summaryBatches.Count - 1;
                    foreach (var body in e.BodyIds)
                    {
                        // A body is only listed again when the batch it was in is gone (read back empty): the newer holds it.
                        if (_bodyReferences.ContainsKey(body))
                        {
                            _bodyReferences.Set(body, index);
                        }
                    }

                    break;
                }

            case ExpungeHistoryTrimmed e:
                Mailbox(e.MailboxId).TrimExpunged(e.DeletedModSeq);
                break;
            default:
                throw new IndexCorruptException($"unknown journal entry {entry.GetType().Name}");
        }
    }

    public void ApplyAll(IEnumerable<JournalEntry> entries)
    {
        foreach (var e in entries)
        {
            Apply(e);
        }
    }

    public UserIndex Clone()
    {
        var copy = new UserIndex { LastUidValidity = LastUidValidity, MessageCount = MessageCount, StorageBytes = StorageBytes };
        foreach (var (id, m) in _mailboxes)
        {
            copy._mailboxes.Add(id, m.Clone());
        }

        copy._subscriptions.UnionWith(_subscriptions);
        foreach (var (k, v) in _tombstones)
        {
            copy._tombstones.Add(k, v);
        }

        copy._bodyReferences = _bodyReferences.Clone();

        foreach (var (k, v) in _extraReferences)
        {
            copy._extraReferences.Add(k, v);
        }

        copy._summaryBatches.AddRange(_summaryBatches);
        foreach (var (k, v) in _metadata)
        {
            copy._metadata.Add(k, v);
        }

        copy.MetadataBytes = MetadataBytes;
        return copy;
    }

    /// <summary>Assembles an index from decoded or merged parts; rebuilds the derived body references.</summary>
    internal static UserIndex Assemble(
        uint lastUidValidity,
        IEnumerable<MailboxState> mailboxes,
        IEnumerable<string> subscriptions,
        IEnumerable<KeyValuePair<Guid, long>> tombstones,
        IEnumerable<string> summaryBatches,
        IEnumerable<KeyValuePair<MetadataKey, MetadataValue>> metadata)
    {
        var index = new UserIndex { LastUidValidity = lastUidValidity };
        var boxes = mailboxes.ToList();
        var records = boxes.Sum(m => m.Messages.Count);
        var bodies = new Guid[records];
        var batches = new int[records];
        var n = 0;
        foreach (var m in boxes)
        {
            index._mailboxes.Add(m.Id, m);
            foreach (var r in m.Messages)
            {
                index.MessageCount++;
                index.StorageBytes += r.Size;
                bodies[n] = r.BodyId;
                batches[n++] = r.SummaryBatch;
            }
        }

        // Built in one go, sorted, with no slack: the map of a million-message mailbox is its largest part after the records.
        index._bodyReferences = BodyMap.Build(bodies, batches, n, shared => index._extraReferences[shared] = index._extraReferences.GetValueOrDefault(shared) + 1);

        index._subscriptions.UnionWith(subscriptions);
        foreach (var (k, v) in tombstones)
        {
            index._tombstones[k] = v;
        }

        index._summaryBatches.AddRange(summaryBatches);
        foreach (var (key, value) in metadata)
        {
            index.SetMetadata(key, value);
        }

        return index;
    }

    /// <summary>The METADATA entries of one mailbox, or of the server with <see cref="Guid.Empty"/>, by name.</summary>
    public IEnumerable<KeyValuePair<MetadataKey, MetadataValue>> MetadataOf(Guid mailboxId) =>
        _metadata.Where(kv => kv.Key.MailboxId == mailboxId);

    /// <summary>What one entry costs against the limits: its name and its value.</summary>
    public static long MetadataSize(string entry, byte[] value) => entry.Length + value.Length;

    private void SetMetadata(MetadataKey key, MetadataValue? value)
    {
        if (_metadata.Remove(key, out var old))
        {
            MetadataBytes -= MetadataSize(key.Entry, old.Value);
        }

        if (value is not null)
        {
            _metadata[key] = value;
            MetadataBytes += MetadataSize(key.Entry, value.Value);
        }
    }

    private MailboxState Mailbox(Guid id) =>
        _mailboxes.TryGetValue(id, out var m) ? m : throw new IndexCorruptException($"unknown mailbox {id}");

    /// <summary>
    /// Sets the usage counters from the records themselves and returns what they said before (`quota recalc`):
    /// they are kept by every change, so the two differ only if that bookkeeping has a bug.
    /// </summary>
    public (int Messages, long StorageBytes) RecountUsage()
    {
        var before = (MessageCount, StorageBytes);
        MessageCount = _mailboxes.Values.Sum(m => m.Messages.Count);
        StorageBytes = _mailboxes.Values.Sum(m => m.Messages.Sum(r => r.Size));
        return before;
    }

    private void Reference(MessageRecord record)
    {
        MessageCount++;
        StorageBytes += record.Size;
        if (_bodyReferences.TryGetValue(record.BodyId, out var batch))
        {
            _extraReferences[record.BodyId] = _extraReferences.GetValueOrDefault(record.BodyId) + 1;
            _bodyReferences.Set(record.BodyId, Math.Max(batch, record.SummaryBatch));
        }
        else
        {
            _bodyReferences.Set(record.BodyId, record.SummaryBatch);
        }

        _tombstones.Remove(record.BodyId);
    }

    private void Unreference(MessageRecord record, long at)
    {
        MessageCount--;
        StorageBytes -= record.Size;
        var bodyId = record.BodyId;
        if (_extraReferences.TryGetValue(bodyId, out var extra))
        {
            if (extra > 1)
            {
                _extraReferences[bodyId] = extra - 1;
            }
            else
            {
                _extraReferences.Remove(bodyId);
            }

            return;
        }

        _bodyReferences.Remove(bodyId);
        _tombstones[bodyId] = at;
    }
}
