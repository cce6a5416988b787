using OrleansMail.Mail;

namespace OrleansMail.Index.Model;

/// <summary>One mailbox: its counters, its messages ordered by UID, and the expunge history above DELETEDMODSEQ.</summary>
public sealed class MailboxState
{
    /// <summary>Changes the log keeps: a client resyncing from further back gets its answer from the records.</summary>
    public const int ChangeLogLength = 1024;

    private const ulong NotLogging = ulong.MaxValue;

    private readonly List<MessageRecord> _messages = [];
    private readonly List<ExpungedRange> _expunged = [];

    // The latest changes as (UID, modseq), oldest first: every record whose modseq is above _changesFloor has its
    // latest change here, so "what changed since" costs the changes, not the mailbox (an IDLE session asks after
    // every notice). Kept from the first question on; a copy or a load starts without it.
    private readonly Queue<(uint Uid, ulong ModSeq)> _changes = new();
    private ulong _changesFloor = NotLogging;

    public required Guid Id { get; init; }

    public required string Name { get; set; }

    public SpecialUse SpecialUse { get; set; }

    public required uint UidValidity { get; init; }

    public uint UidNext { get; set; } = 1;

    public ulong HighestModSeq { get; set; } = 1;

    /// <summary>Expunges at or below this modseq are no longer remembered one by one (RFC 7162's DELETEDMODSEQ).</summary>
    public ulong DeletedModSeq { get; set; }

    public IReadOnlyList<MessageRecord> Messages => _messages;

    public IReadOnlyList<ExpungedRange> Expunged => _expunged;

    public int IndexOfUid(uint uid)
    {
        int lo = 0, hi = _messages.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var u = _messages[mid].Uid;
            if (u < uid)
            {
                lo = mid + 1;
            }
            else if (u > uid)
            {
                hi = mid - 1;
            }
            else
            {
                return mid;
            }
        }

        return ~lo;
    }

    /// <summary>The messages whose UIDs are in <paramref name="uids"/>, in UID order; O(ranges · log n + matches).</summary>
    public IEnumerable<MessageRecord> Select(UidSet uids)
    {
        foreach (var (first, last) in uids.Ranges)
        {
            for (var i = LowerBound(first); i < _messages.Count && _messages[i].Uid <= last; i++)
            {
                yield return _messages[i];
            }
        }
    }

    public MessageRecord? FindByUid(uint uid)
    {
        var i = IndexOfUid(uid);
        return i >= 0 ? _messages[i] : null;
    }

    /// <summary>First position whose UID is at least <paramref name="uid"/>.</summary>
    public int LowerBound(uint uid)
    {
        var i = IndexOfUid(uid);
        return i >= 0 ? i : ~i;
    }

    internal void Insert(MessageRecord record)
    {
        var i = IndexOfUid(record.Uid);
        if (i >= 0)
        {
            throw new IndexCorruptException($"UID {record.Uid} already used in mailbox {Id}");
        }

        _messages.Insert(~i, record);
        LogChange(record);
    }

    internal void Replace(int index, MessageRecord record)
    {
        _messages[index] = record;
        LogChange(record);
    }

    /// <summary>
    /// The records changed or added after <paramref name="sinceModSeq"/>, in UID order, from the change log; false when
    /// the log does not reach back that far (or was not kept yet: from this call on it is) and the caller must scan.
    /// </summary>
    public bool TryChangesSince(ulong sinceModSeq, out List<MessageRecord> changed)
    {
        changed = [];
        if (_changesFloor == NotLogging)
        {
            _changesFloor = Math.Max(HighestModSeq, _messages.Count == 0 ? 0 : _messages.Max(m => m.ModSeq));
            return false;
        }

        if (sinceModSeq < _changesFloor)
        {
            return false;
        }

        var uids = new SortedSet<uint>();
        foreach (var (uid, modSeq) in _changes)
        {
            if (modSeq > sinceModSeq)
            {
                uids.Add(uid);
            }
        }

        foreach (var uid in uids)
        {
            if (FindByUid(uid) is { } record && record.ModSeq > sinceModSeq)
            {
                changed.Add(record);
            }
        }

        return true;
    }

    private void LogChange(MessageRecord record)
    {
        if (_changesFloor == NotLogging)
        {
            return;
        }

        _changes.Enqueue((record.Uid, record.ModSeq));
        if (_changes.Count > ChangeLogLength)
        {
            _changesFloor = Math.Max(_changesFloor, _changes.Dequeue().ModSeq);
        }
    }

    internal int RemoveUids(UidSet uids, List<MessageRecord> removed)
    {
        return _messages.RemoveAll(m =>
        {
            if (!uids.Contains(m.Uid))
            {
                return false;
            }

            removed.Add(m);
            return true;
        });
    }

    internal void AddExpunged(ExpungedRange range)
    {
        // Adjacent ranges with one modseq fold together, so a mailbox emptied by many single expunges stays small.
        if (_expunged.Count > 0)
        {
            var last = _expunged[^1];
            if (last.ModSeq == range.ModSeq && (ulong)last.Last + 1 == range.First)
            {
                _expunged[^1] = last with { Last = range.Last };
                return;
            }
        }

        _expunged.Add(range);
    }

    internal void TrimExpunged(ulong deletedModSeq)
    {
        DeletedModSeq = Math.Max(DeletedModSeq, deletedModSeq);
        _expunged.RemoveAll(r => r.ModSeq <= DeletedModSeq);
    }

    internal void ClearMessages() => _messages.Clear();

    public MailboxState Clone()
    {
        var copy = new MailboxState
        {
            Id = Id,
            Name = Name,
            SpecialUse = SpecialUse,
            UidValidity = UidValidity,
            UidNext = UidNext,
            HighestModSeq = HighestModSeq,
            DeletedModSeq = DeletedModSeq,
        };
        copy._messages.AddRange(_messages);
        copy._expunged.AddRange(_expunged);
        return copy;
    }

    /// <summary>Bulk load for decoders and the merge: records must arrive in ascending UID order.</summary>
    internal void LoadSorted(IEnumerable<MessageRecord> records, IEnumerable<ExpungedRange> expunged)
    {
        _messages.AddRange(records);
        _expunged.AddRange(expunged);
    }
}
