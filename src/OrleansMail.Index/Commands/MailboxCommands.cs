using OrleansMail.Errors;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Commands;

/// <summary>
/// What each mailbox command changes, as journal entries computed from the index (RFC 3501 §6.3–6.4 and RFC 7162
/// semantics), without applying them: the user's grain persists and applies what this returns, and the property
/// tests replay it. No Orleans, no I/O. Refusals are <see cref="MailStoreException"/>s, before anything changes.
/// </summary>
public sealed class MailboxCommands(MailboxIdentity identity, MailboxLimits limits, TimeProvider time)
{
    // The distinct keywords of each mailbox, learnt from its records on first use; only grows, which errs on the
    // side of the cap.
    private readonly Dictionary<Guid, HashSet<string>> _keywordsByMailbox = [];

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public MailboxIdentity Identity => identity;

    /// <summary>CREATE, with the superior levels the name needs (RFC 3501 §6.3.3).</summary>
    public List<JournalEntry> Create(UserIndex index, string name, SpecialUse specialUse = SpecialUse.None)
    {
        var normalized = ValidName(name);
        if (index.FindMailbox(normalized) is not null)
        {
            throw MailStoreException.AlreadyExists($"mailbox {normalized} already exists");
        }

        var entries = CreateSuperiors(index, normalized, out var uidValidity);

        // Every LIST walks all mailboxes (a pattern costs its length per name): their number is a budget too.
        if (!MailboxName.IsInbox(normalized) && index.Mailboxes.Count + entries.Count + 1 > limits.MaxMailboxes)
        {
            throw MailStoreException.LimitReached($"A user holds at most {limits.MaxMailboxes} mailboxes");
        }

        var id = identity.IdFor(index, normalized);
        entries.Add(new MailboxCreated(Now, id, normalized, specialUse, identity.FirstUidValidity(normalized, id, uidValidity)));
        return entries;
    }

    /// <summary>The mailbox a name refers to, or what creates it where a first reference does (INBOX, the well-known folders).</summary>
    public MailboxState? Find(UserIndex index, string name, out List<JournalEntry> creation)
    {
        var normalized = MailboxName.Normalize(name);
        creation = [];
        if (index.FindMailbox(normalized) is { } found)
        {
            return found;
        }

        if (MailboxName.IsInbox(normalized))
        {
            creation = Create(index, MailboxName.Inbox);
        }
        else if (MailboxIdentity.CreatedOnFirstUse.TryGetValue(normalized, out var use))
        {
            creation = Create(index, normalized, use);
        }
        else
        {
            throw MailStoreException.NotFound($"mailbox {name} does not exist");
        }

        return null;
    }

    /// <summary>
    /// RENAME of anything but INBOX: the mailbox and everything below it take the new name, keeping their ids;
    /// missing superiors of the new name are created. INBOX is refused here: RFC 3501 §6.3.5 makes its rename a
    /// move of its messages into a new mailbox, which the caller runs as CREATE and MOVE (<see cref="IsInboxRename"/>).
    /// </summary>
    public List<JournalEntry> Rename(UserIndex index, string oldName, string newName)
    {
        var (source, target) = RenameOperands(index, oldName, newName);
        if (source.Name == MailboxName.Inbox)
        {
            throw new InvalidOperationException("INBOX is renamed by moving its messages: CREATE, then MOVE");
        }

        var entries = new List<JournalEntry>();
        foreach (var m in index.Mailboxes.Values.Where(m => m.Id == source.Id || MailboxName.IsBelow(m.Name, source.Name)).ToList())
        {
            entries.Add(new MailboxRenamed(Now, m.Id, target + m.Name[source.Name.Length..]));
        }

        // The superiors a new name needs count against the budget as CREATE's do.
        var superiors = CreateSuperiors(index, target, out _);
        if (superiors.Count > 0 && index.Mailboxes.Count + superiors.Count > limits.MaxMailboxes)
        {
            throw MailStoreException.LimitReached($"A user holds at most {limits.MaxMailboxes} mailboxes");
        }

        return [.. superiors, .. entries];
    }

    /// <summary>Validates a RENAME and tells whether it is INBOX's (a move of its messages, RFC 3501 §6.3.5).</summary>
    public static bool IsInboxRename(UserIndex index, string oldName, string newName) => RenameOperands(index, oldName, newName).Source.Name == MailboxName.Inbox;

    /// <summary>DELETE; INBOX cannot be deleted (RFC 3501 §6.3.4).</summary>
    public List<JournalEntry> Delete(UserIndex index, string name)
    {
        var mailbox = index.FindMailbox(MailboxName.Normalize(name)) ?? throw MailStoreException.NotFound($"mailbox {name} does not exist");
        return mailbox.Name == MailboxName.Inbox ? throw MailStoreException.Invalid("INBOX cannot be deleted") : [new MailboxDeleted(Now, mailbox.Id)];
    }

    /// <summary>SUBSCRIBE / UNSUBSCRIBE: nothing when the subscription is already so.</summary>
    public List<JournalEntry> Subscribe(UserIndex index, string name, bool subscribed)
    {
        var normalized = ValidName(name);
        if (index.Subscriptions.Contains(normalized) == subscribed)
        {
            return [];
        }

        // Subscriptions outlive their mailboxes (RFC 3501 §6.3.6) and LIST/LSUB walk them all: they get the
        // mailboxes' budget, or a client could grow the index with names that exist nowhere.
        if (subscribed && index.Subscriptions.Count >= limits.MaxMailboxes)
        {
            throw MailStoreException.LimitReached($"A user holds at most {limits.MaxMailboxes} subscriptions");
        }

        return [new SubscriptionChanged(Now, normalized, subscribed)];
    }

    /// <summary>A new message (delivery or APPEND) at the mailbox's next UID. It is never refused for its keywords once its body is stored: past the cap they are dropped.</summary>
    public MessageAdded Add(MailboxState mailbox, Guid bodyId, MessageFlags flags, string[] keywords, long internalDate, long size)
    {
        var record = new MessageRecord
        {
            RecordId = bodyId,
            BodyId = bodyId,
            Uid = mailbox.UidNext,
            Flags = flags,
            Keywords = AdmitKeywords(mailbox, Keywords.Normalize(keywords), refuse: false),
            ModSeq = mailbox.HighestModSeq + 1,
            InternalDate = internalDate,
            SaveDate = Now,
            Size = size,
        };
        return new MessageAdded(Now, mailbox.Id, record);
    }

    /// <summary>
    /// STORE: one entry per message whose flags actually change, all at one new mod-sequence. With UNCHANGEDSINCE
    /// (RFC 7162 §3.1.3) a message modified after it is left alone and reported.
    /// </summary>
    public FlagChanges StoreFlags(MailboxState mailbox, UidSet uids, FlagOperation operation, MessageFlags flags, string[] keywords, ulong unchangedSince = 0)
    {
        var modSeq = mailbox.HighestModSeq + 1;
        var kw = operation == FlagOperation.Remove ? Keywords.Normalize(keywords) : AdmitKeywords(mailbox, Keywords.Normalize(keywords), refuse: true);
        var entries = new List<FlagsChanged>();
        var modified = new List<uint>();
        foreach (var record in mailbox.Select(uids))
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

        return new FlagChanges(entries, UidSet.FromRanges(modified.Select(u => (u, u))));
    }

    /// <summary>What EXPUNGE / UID EXPUNGE removes: the \Deleted messages among <paramref name="uids"/> (all when null).</summary>
    public static UidSet Doomed(MailboxState mailbox, UidSet? uids) =>
        UidSet.FromRanges(mailbox.Select(uids ?? UidSet.Range(1, uint.MaxValue)).Where(r => r.Flags.HasFlag(MessageFlags.Deleted)).Select(r => (r.Uid, r.Uid)));

    /// <summary>EXPUNGE / UID EXPUNGE: nothing when no message among <paramref name="uids"/> is \Deleted.</summary>
    public List<JournalEntry> Expunge(MailboxState mailbox, UidSet? uids, out UidSet expunged)
    {
        expunged = Doomed(mailbox, uids);
        return expunged.IsEmpty ? [] : ExpungeEntries(mailbox, expunged, mailbox.HighestModSeq + 1);
    }

    /// <summary>
    /// Removes <paramref name="uids"/> at <paramref name="modSeq"/>, keeping the expunge history QRESYNC reads within
    /// its limit: past it the oldest half is folded into DELETEDMODSEQ (RFC 7162 §3.2.10 lets the server forget).
    /// </summary>
    public List<JournalEntry> ExpungeEntries(MailboxState mailbox, UidSet uids, ulong modSeq)
    {
        List<JournalEntry> entries = [new MessagesExpunged(Now, mailbox.Id, uids, modSeq)];
        if (mailbox.Expunged.Count > limits.ExpungeHistoryLimit)
        {
            entries.Add(new ExpungeHistoryTrimmed(Now, mailbox.Id, mailbox.Expunged[mailbox.Expunged.Count / 2].ModSeq));
        }

        return entries;
    }

    /// <summary>
    /// One step of COPY or MOVE (RFC 3501 §6.4.7, RFC 6851): copies at the destination's next UIDs, one new
    /// mod-sequence, keeping flags and dates; a move expunges the originals in the same step.
    /// </summary>
    public CopyStep Copy(MailboxState source, IReadOnlyList<MessageRecord> records, MailboxState destination, bool move)
    {
        CheckKeywordRoom(destination, records);
        var modSeq = destination.HighestModSeq + 1;
        var entries = new List<JournalEntry>(records.Count + 2);
        var uid = destination.UidNext;
        var pairs = new List<(uint Source, uint Destination)>(records.Count);
        foreach (var r in records)
        {
            var copy = r with { RecordId = Guid.NewGuid(), Uid = uid++, ModSeq = modSeq, SaveDate = Now };
            entries.Add(new MessageAdded(Now, destination.Id, copy));
            pairs.Add((r.Uid, copy.Uid));
        }

        if (move && records.Count > 0)
        {
            // Within one mailbox the copies took modSeq already: the expunge comes after them.
            var expungeModSeq = source.HighestModSeq + (source.Id == destination.Id ? 2UL : 1UL);
            entries.AddRange(ExpungeEntries(source, UidSet.FromRanges(records.Select(r => (r.Uid, r.Uid))), expungeModSeq));
        }

        return new CopyStep(entries, pairs);
    }

    /// <summary>
    /// Refuses a COPY or MOVE that would carry the destination past its keyword budget, before anything is copied:
    /// the copy keeps its flags (RFC 3501 §6.4.7), so it is refused rather than stripped.
    /// </summary>
    public void CheckKeywordRoom(MailboxState destination, IEnumerable<MessageRecord> records)
    {
        foreach (var record in records)
        {
            AdmitKeywords(destination, record.Keywords, refuse: true);
        }
    }

    /// <summary>
    /// Keeps the distinct keywords of a mailbox within the cap (each is in every SELECT's FLAGS and every record
    /// that carries it): STORE is refused past it (<paramref name="refuse"/>), a delivery drops the extras.
    /// </summary>
    private string[] AdmitKeywords(MailboxState mailbox, string[] keywords, bool refuse)
    {
        if (keywords.Length == 0)
        {
            return keywords;
        }

        if (!_keywordsByMailbox.TryGetValue(mailbox.Id, out var known))
        {
            known = new HashSet<string>(mailbox.Messages.SelectMany(m => m.Keywords), StringComparer.Ordinal);
            _keywordsByMailbox[mailbox.Id] = known;
        }

        var admitted = new List<string>(keywords.Length);
        foreach (var keyword in keywords)
        {
            if (known.Contains(keyword) || known.Count < limits.MaxKeywordsPerMailbox)
            {
                known.Add(keyword);
                admitted.Add(keyword);
            }
            else if (refuse)
            {
                throw MailStoreException.LimitReached($"A mailbox holds at most {limits.MaxKeywordsPerMailbox} keywords");
            }
        }

        return admitted.Count == keywords.Length ? keywords : [.. admitted];
    }

    /// <summary>
    /// The missing superior levels of a name (RFC 3501 §6.3.3), outermost first, each with a UIDVALIDITY above the
    /// one before, so they rise in the order they are applied; <paramref name="uidValidity"/> is the last one given.
    /// </summary>
    private List<JournalEntry> CreateSuperiors(UserIndex index, string name, out uint uidValidity)
    {
        var missing = new List<string>();
        for (var parent = MailboxName.Parent(name); parent is not null; parent = MailboxName.Parent(parent))
        {
            if (index.FindMailbox(parent) is null)
            {
                missing.Insert(0, parent);
            }
        }

        var entries = new List<JournalEntry>(missing.Count);
        uidValidity = index.LastUidValidity;
        foreach (var parent in missing)
        {
            uidValidity = identity.NextUidValidity(uidValidity);
            entries.Add(new MailboxCreated(Now, Guid.NewGuid(), parent, SpecialUse.None, uidValidity));
        }

        return entries;
    }

    private static (MailboxState Source, string Target) RenameOperands(UserIndex index, string oldName, string newName)
    {
        var source = index.FindMailbox(MailboxName.Normalize(oldName)) ?? throw MailStoreException.NotFound($"mailbox {oldName} does not exist");
        var target = ValidName(newName);
        return index.FindMailbox(target) is not null ? throw MailStoreException.AlreadyExists($"mailbox {target} already exists") : (source, target);
    }

    private static string ValidName(string name)
    {
        var normalized = MailboxName.Normalize(name);
        return MailboxName.IsValid(normalized) ? normalized : throw MailStoreException.Invalid($"invalid mailbox name '{name}'");
    }
}
