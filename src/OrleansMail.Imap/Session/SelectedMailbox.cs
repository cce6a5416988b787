using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// What one session sees of its selected mailbox: the message sequence numbers it has announced, with each
/// message's last known record. It moves only when the session says so (RFC 3501 §7.4.1: EXISTS may grow at any
/// response point, EXPUNGE only where allowed), which is why expunges learnt at the wrong time wait as pending.
/// The modseq it has synchronised to is kept so CONDSTORE/QRESYNC can report from it. Messages are kept in columns
/// (a sorted list of UIDs beside a list of <see cref="ViewEntry"/> values), not as one object each: a million-message
/// mailbox is two arrays.
/// </summary>
internal sealed class SelectedMailbox(MailboxInfo info, bool readOnly)
{
    private readonly List<uint> _uids = [];
    private readonly List<ViewEntry> _entries = [];
    private readonly HashSet<uint> _pendingExpunges = [];
    // The UIDs this session announces as \Recent, as sorted, disjoint ranges: a first SELECT makes every message
    // recent, and a set of a million UIDs would outweigh the view itself. An expunged UID may stay in a range.
    private readonly List<(uint First, uint Last)> _recent = [];

    public Guid Id { get; } = info.Id;

    public string Name { get; } = info.Name;

    public uint UidValidity { get; } = info.UidValidity;

    public bool ReadOnly { get; } = readOnly;

    /// <summary>Whose mailbox it is: the session's user, or the owner of a shared one (RFC 4314), whose grain holds it.</summary>
    public required string Owner { get; init; }

    /// <summary>
    /// In another user's mailbox, the UIDs this user has seen: its own \Seen, kept by its own grain, which every
    /// record the view takes in shows instead of the owner's. Null in the user's own mailboxes.
    /// </summary>
    public HashSet<uint>? PrivateSeen { get; init; }

    /// <summary>What this user may do here (RFC 4314), as the owner's grain said at SELECT.</summary>
    public MailboxRights Rights { get; init; } = MailboxRights.All;

    public uint UidNext { get; set; } = info.UidNext;

    /// <summary>The modseq up to which this view has taken in the store's changes.</summary>
    public ulong SyncedModSeq { get; set; } = info.HighestModSeq;

    /// <summary>Set when the view must look at the store whatever the notices said; cleared when it synchronises.</summary>
    public volatile bool Dirty;

    // The furthest the change observer has heard the mailbox go. Kept apart from the view's own position, so a
    // notice of this session's own change, heard before or after the command's answer, asks for no look at the store.
    private ulong _noticedModSeq;
    private uint _noticedUidNext;

    /// <summary>Whether the view is behind what it was told or was asked to look (<see cref="Dirty"/>).</summary>
    public bool Behind => Dirty || Interlocked.Read(ref _noticedModSeq) > SyncedModSeq || Volatile.Read(ref _noticedUidNext) > UidNext;

    /// <summary>A change notice: the mailbox has reached this modseq and UIDNEXT (called off the session's flow).</summary>
    public void Noticed(ulong highestModSeq, uint uidNext)
    {
        InterlockedMax(ref _noticedModSeq, highestModSeq);
        uint seen;
        while ((seen = Volatile.Read(ref _noticedUidNext)) < uidNext && Interlocked.CompareExchange(ref _noticedUidNext, uidNext, seen) != seen)
        {
        }
    }

    /// <summary>
    /// This session's own change took the mailbox from <paramref name="before"/> to <paramref name="after"/> and the
    /// view has taken it in: when nothing else came between, the view is at <paramref name="after"/> without a look.
    /// </summary>
    public void TookInOwnChange(ulong before, ulong after)
    {
        if (before != 0 && before == SyncedModSeq && after > SyncedModSeq)
        {
            SyncedModSeq = after;
        }
    }

    private static void InterlockedMax(ref ulong target, ulong value)
    {
        ulong seen;
        while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    public Guid Epoch { get; set; }

    public int Count => _uids.Count;

    /// <summary>The last SEARCH RETURN (SAVE) result, as UIDs so expunges drop out of it (RFC 5182 §2.1).</summary>
    public HashSet<uint> SavedResult { get; set; } = [];

    public IReadOnlyList<uint> Uids => _uids;

    /// <summary>Searches kept up to date for the client (RFC 5267), by tag; they end with the selection.</summary>
    public List<SearchContext> SearchContexts { get; } = [];

    /// <summary>
    /// Messages this session itself put here (APPEND, COPY, MOVE, REPLACE) that the view has not taken in yet, while
    /// NOTIFY's MessageNew asks for FETCH items: none is sent for them (RFC 5465 §5.2).
    /// </summary>
    public HashSet<uint> OwnNew { get; } = [];

    /// <summary>The keywords this session has announced in FLAGS (RFC 3501 §7.2.6): a FETCH may carry no other.</summary>
    public HashSet<string> AnnouncedKeywords { get; } = new(StringComparer.OrdinalIgnoreCase);

    public uint LargestUid => _uids.Count == 0 ? 0 : _uids[^1];

    public MessageView this[int sequence] => _entries[sequence - 1].View(_uids[sequence - 1]);

    public bool TryGet(uint uid, out MessageView message)
    {
        var index = _uids.BinarySearch(uid);
        message = index >= 0 ? _entries[index].View(uid) : null!;
        return index >= 0;
    }

    /// <summary>The known messages of these UIDs.</summary>
    public IEnumerable<MessageView> Messages(IEnumerable<uint> uids)
    {
        foreach (var uid in uids)
        {
            if (TryGet(uid, out var message))
            {
                yield return message;
            }
        }
    }

    public bool IsPendingExpunge(uint uid) => _pendingExpunges.Contains(uid);

    /// <summary>Whether this session is the one that announces the message as \Recent (RFC 3501 §2.3.2).</summary>
    public bool IsRecent(uint uid)
    {
        int lo = 0, hi = _recent.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (uid < _recent[mid].First)
            {
                hi = mid - 1;
            }
            else if (uid > _recent[mid].Last)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>False for an IMAP4rev2 session (RFC 9051 has no \Recent): it claims and shows none.</summary>
    public bool ShowsRecent { get; init; } = true;

    public int RecentCount => _recent.Sum(r => CountBetween(r.First, r.Last));

    /// <summary>Marks the known messages from <paramref name="firstRecentUid"/> up as recent; how many were new to the set.</summary>
    public int MarkRecentFrom(uint firstRecentUid)
    {
        if (!ShowsRecent)
        {
            return 0;
        }

        var marked = 0;
        for (var i = _uids.Count - 1; i >= 0 && _uids[i] >= firstRecentUid; i--)
        {
            if (!IsRecent(_uids[i]))
            {
                marked++;
            }
        }

        if (marked > 0)
        {
            _recent.Add((firstRecentUid, LargestUid));
            _recent.Sort();
            for (var i = _recent.Count - 1; i > 0; i--)
            {
                if (_recent[i].First <= _recent[i - 1].Last + 1)
                {
                    _recent[i - 1] = (_recent[i - 1].First, Math.Max(_recent[i - 1].Last, _recent[i].Last));
                    _recent.RemoveAt(i);
                }
            }
        }

        return marked;
    }

    /// <summary>How many messages of the view have UIDs from <paramref name="first"/> to <paramref name="last"/>.</summary>
    private int CountBetween(uint first, uint last)
    {
        var from = _uids.BinarySearch(first);
        var to = _uids.BinarySearch(last);
        return (to < 0 ? ~to : to + 1) - (from < 0 ? ~from : from);
    }

    /// <summary>The sequence number of the first message without \Seen, or 0; read from the column, no record made.</summary>
    public int FirstUnseen()
    {
        var index = _entries.FindIndex(e => !e.Flags.HasFlag(MessageFlags.Seen));
        return index + 1;
    }

    /// <summary>Sequence number of a UID, or 0 when the view does not have it.</summary>
    public int SequenceOf(uint uid)
    {
        var index = _uids.BinarySearch(uid);
        return index < 0 ? 0 : index + 1;
    }

    /// <summary>Adds a message the store has and the view has not; false when it already knew it.</summary>
    public bool Add(MessageView message)
    {
        var index = _uids.BinarySearch(message.Uid);
        if (index >= 0)
        {
            return false;
        }

        _uids.Insert(~index, message.Uid);
        _entries.Insert(~index, Mine(ViewEntry.Of(message), message.Uid));
        return true;
    }

    /// <summary>
    /// Takes in a page of SELECT's load, in UID order. Pages come in order and above what the view holds, so this is an
    /// append; a message the view knows already (a change seen between pages) keeps what the view has.
    /// </summary>
    public void Add(MessageListing page)
    {
        _uids.Capacity = Math.Max(_uids.Capacity, _uids.Count + page.Count);
        _entries.Capacity = Math.Max(_entries.Capacity, _entries.Count + page.Count);
        for (var i = 0; i < page.Count; i++)
        {
            var uid = page.Uids[i];
            var entry = Mine(new ViewEntry(page.BodyIds[i], page.Flags[i], page.KeywordSets[page.KeywordSetOf[i]], page.ModSeqs[i], page.InternalDates[i], page.SaveDates[i], page.Sizes[i]), uid);
            if (_uids.Count == 0 || uid > _uids[^1])
            {
                _uids.Add(uid);
                _entries.Add(entry);
            }
            else if (_uids.BinarySearch(uid) is var index and < 0)
            {
                _uids.Insert(~index, uid);
                _entries.Insert(~index, entry);
            }
        }
    }

    /// <summary>Takes a newer record of a known message; true when its flags changed from what the session last saw.</summary>
    public bool Update(MessageView message)
    {
        var index = _uids.BinarySearch(message.Uid);
        if (index < 0)
        {
            return false;
        }

        var known = _entries[index];
        var updated = Mine(ViewEntry.Of(message), message.Uid);
        _entries[index] = updated;
        return known.Flags != updated.Flags || !known.Keywords.AsSpan().SequenceEqual(updated.Keywords);
    }

    /// <summary>Takes this user's own \Seen of messages in another user's mailbox; returns the UIDs whose flags changed for the session.</summary>
    public List<uint> SetPrivateSeen(IEnumerable<uint> uids, bool seen)
    {
        var changed = new List<uint>();
        foreach (var uid in uids)
        {
            if ((seen ? PrivateSeen!.Add(uid) : PrivateSeen!.Remove(uid)) && _uids.BinarySearch(uid) is var index and >= 0)
            {
                _entries[index] = Mine(_entries[index], uid);
                changed.Add(uid);
            }
        }

        return changed;
    }

    private ViewEntry Mine(ViewEntry entry, uint uid) => PrivateSeen is null
        ? entry
        : entry with { Flags = PrivateSeen.Contains(uid) ? entry.Flags | MessageFlags.Seen : entry.Flags & ~MessageFlags.Seen };

    public void MarkExpunged(uint uid)
    {
        if (_uids.BinarySearch(uid) >= 0)
        {
            _pendingExpunges.Add(uid);
        }
    }

    /// <summary>Removes the pending expunges, returning each UID with the sequence number it had when it was removed (in order of removal).</summary>
    public List<(uint Uid, int Sequence)> ApplyExpunges()
    {
        // Sequence numbers as RFC 3501 §7.4.1 counts them: each expunge shifts the later ones, so they are told
        // from the highest down, each with the number it has at that moment, which is its position in the view.
        var removed = new List<(uint, int)>();
        foreach (var uid in _pendingExpunges.OrderByDescending(u => u))
        {
            var index = _uids.BinarySearch(uid);
            if (index >= 0)
            {
                removed.Add((uid, index + 1));
                SavedResult.Remove(uid);
            }
        }

        // One pass over the columns, however many go (a mass expunge of a large mailbox is not one shift per message).
        if (removed.Count > 0)
        {
            var kept = 0;
            for (var i = 0; i < _uids.Count; i++)
            {
                if (!_pendingExpunges.Contains(_uids[i]))
                {
                    _uids[kept] = _uids[i];
                    _entries[kept] = _entries[i];
                    kept++;
                }
            }

            _uids.RemoveRange(kept, _uids.Count - kept);
            _entries.RemoveRange(kept, _entries.Count - kept);
        }

        _pendingExpunges.Clear();
        return removed;
    }

    /// <summary>The UIDs a sequence set names (by message number or by UID); UIDs the view does not have are left out.</summary>
    public List<uint> Resolve(ImapSequenceSet set, bool byUid)
    {
        var result = new List<uint>();
        if (set.IsSavedResult)
        {
            result.AddRange(SavedResult.Where(u => _uids.BinarySearch(u) >= 0));
            result.Sort();
            return result;
        }

        if (_uids.Count == 0)
        {
            return result;
        }

        // Normalized to sorted, disjoint ranges first: "1:*,1:*,..." costs its length, not the mailbox size per
        // repetition, and no UID comes out twice.
        if (byUid)
        {
            foreach (var (first, last) in UidSet.FromRanges(set.Resolve(LargestUid)).Ranges)
            {
                var start = _uids.BinarySearch(first);
                for (var i = start < 0 ? ~start : start; i < _uids.Count && _uids[i] <= last; i++)
                {
                    result.Add(_uids[i]);
                }
            }
        }
        else
        {
            var count = (uint)_uids.Count;
            var ranges = set.Resolve(count).ToList();
            if (ranges.Any(r => r.First > count))
            {
                throw new ImapSyntaxException("Invalid message sequence number");
            }

            foreach (var (first, last) in UidSet.FromRanges(ranges).Ranges)
            {
                for (var seq = first; seq <= Math.Min(last, count); seq++)
                {
                    result.Add(_uids[(int)seq - 1]);
                }
            }
        }

        return result;
    }

    public static UidSet ToUidSet(IEnumerable<uint> uids) => UidSet.FromRanges(uids.Select(u => (u, u)));
}
