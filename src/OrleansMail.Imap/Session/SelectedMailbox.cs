using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// What one session sees of its selected mailbox: the message sequence numbers it has announced, with each
/// message's last known record. It moves only when the session says so (RFC 3501 §7.4.1: EXISTS may grow at any
/// response point, EXPUNGE only where allowed), which is why expunges learnt at the wrong time wait as pending.
/// The modseq it has synchronised to is kept so CONDSTORE/QRESYNC can report from it.
/// </summary>
internal sealed class SelectedMailbox(MailboxInfo info, bool readOnly)
{
    private readonly List<uint> _uids = [];
    private readonly Dictionary<uint, MessageView> _messages = [];
    private readonly HashSet<uint> _pendingExpunges = [];
    private readonly HashSet<uint> _recent = [];

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

    /// <summary>Set by the change observer; cleared when the view synchronises.</summary>
    public volatile bool Dirty;

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

    public MessageView this[int sequence] => _messages[_uids[sequence - 1]];

    public bool TryGet(uint uid, out MessageView message) => _messages.TryGetValue(uid, out message!);

    /// <summary>The known messages of these UIDs.</summary>
    public IEnumerable<MessageView> Messages(IEnumerable<uint> uids) => uids.Select(u => _messages.GetValueOrDefault(u)).OfType<MessageView>();

    public bool IsPendingExpunge(uint uid) => _pendingExpunges.Contains(uid);

    /// <summary>Whether this session is the one that announces the message as \Recent (RFC 3501 §2.3.2).</summary>
    public bool IsRecent(uint uid) => _recent.Contains(uid);

    /// <summary>False for an IMAP4rev2 session (RFC 9051 has no \Recent): it claims and shows none.</summary>
    public bool ShowsRecent { get; init; } = true;

    public int RecentCount => _recent.Count;

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
            if (_recent.Add(_uids[i]))
            {
                marked++;
            }
        }

        return marked;
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
        if (_messages.ContainsKey(message.Uid))
        {
            return false;
        }

        var index = _uids.BinarySearch(message.Uid);
        _uids.Insert(~index, message.Uid);
        _messages[message.Uid] = Mine(message);
        return true;
    }

    /// <summary>Takes a newer record of a known message; true when its flags changed from what the session last saw.</summary>
    public bool Update(MessageView message)
    {
        if (!_messages.TryGetValue(message.Uid, out var known))
        {
            return false;
        }

        message = Mine(message);
        _messages[message.Uid] = message;
        return known.Flags != message.Flags || !known.Keywords.SequenceEqual(message.Keywords, StringComparer.Ordinal);
    }

    /// <summary>Takes this user's own \Seen of messages in another user's mailbox; returns the UIDs whose flags changed for the session.</summary>
    public List<uint> SetPrivateSeen(IEnumerable<uint> uids, bool seen)
    {
        var changed = new List<uint>();
        foreach (var uid in uids)
        {
            if ((seen ? PrivateSeen!.Add(uid) : PrivateSeen!.Remove(uid)) && _messages.TryGetValue(uid, out var known))
            {
                _messages[uid] = Mine(known);
                changed.Add(uid);
            }
        }

        return changed;
    }

    private MessageView Mine(MessageView message) => PrivateSeen is null
        ? message
        : message with { Flags = PrivateSeen.Contains(message.Uid) ? message.Flags | MessageFlags.Seen : message.Flags & ~MessageFlags.Seen };

    public void MarkExpunged(uint uid)
    {
        if (_messages.ContainsKey(uid))
        {
            _pendingExpunges.Add(uid);
        }
    }

    /// <summary>Removes the pending expunges, returning each UID with the sequence number it had when it was removed (in order of removal).</summary>
    public List<(uint Uid, int Sequence)> ApplyExpunges()
    {
        var removed = new List<(uint, int)>();
        foreach (var uid in _pendingExpunges.OrderByDescending(u => u))
        {
            var index = _uids.BinarySearch(uid);
            if (index >= 0)
            {
                removed.Add((uid, index + 1));
                _uids.RemoveAt(index);
                _messages.Remove(uid);
                _recent.Remove(uid);
                SavedResult.Remove(uid);
            }
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
            result.AddRange(SavedResult.Where(_messages.ContainsKey));
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
