using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Journal;

/// <summary>
/// One change to a user's index. Entries carry explicit UIDs and modseqs (never "the next one"), so applying a
/// journal is deterministic and replaying it after a crash or in a merge gives the same state.
/// </summary>
/// <param name="Timestamp">Unix milliseconds when the writer made the change; with the writer's activation id it orders conflicting changes in a merge.</param>
public abstract record JournalEntry(long Timestamp);

/// <summary>A mailbox came into being with an id that never changes.</summary>
public sealed record MailboxCreated(long Timestamp, Guid MailboxId, string Name, SpecialUse SpecialUse, uint UidValidity) : JournalEntry(Timestamp);

public sealed record MailboxRenamed(long Timestamp, Guid MailboxId, string Name) : JournalEntry(Timestamp);

/// <summary>The mailbox and every message in it are gone.</summary>
public sealed record MailboxDeleted(long Timestamp, Guid MailboxId) : JournalEntry(Timestamp);

public sealed record SubscriptionChanged(long Timestamp, string Name, bool Subscribed) : JournalEntry(Timestamp);

public sealed record MessageAdded(long Timestamp, Guid MailboxId, MessageRecord Record) : JournalEntry(Timestamp);

/// <summary>The whole flag set of one message after the change: idempotent, unlike +FLAGS/-FLAGS deltas.</summary>
public sealed record FlagsChanged(long Timestamp, Guid MailboxId, uint Uid, MessageFlags Flags, string[] Keywords, ulong ModSeq) : JournalEntry(Timestamp);

public sealed record MessagesExpunged(long Timestamp, Guid MailboxId, UidSet Uids, ulong ModSeq) : JournalEntry(Timestamp);

/// <summary>UIDNEXT/HIGHESTMODSEQ raised past anything a dead writer may have handed out (docs/architecture.md, allocation cap).</summary>
public sealed record CountersRaised(long Timestamp, Guid MailboxId, uint UidNext, ulong HighestModSeq) : JournalEntry(Timestamp);

/// <summary>A tombstoned body was deleted from the store; its tombstone can go.</summary>
public sealed record TombstoneCleared(long Timestamp, Guid BodyId) : JournalEntry(Timestamp);

/// <summary>Summaries of these bodies were written as one immutable batch object.</summary>
public sealed record SummaryBatchStored(long Timestamp, string BatchName, Guid[] BodyIds) : JournalEntry(Timestamp);

/// <summary>
/// These summary batches hold no summary a record still needs: the index forgets them, and the checkpoint that
/// publishes this entry retires their objects (docs/architecture.md, "History GC").
/// </summary>
public sealed record SummaryBatchesDropped(long Timestamp, string[] BatchNames) : JournalEntry(Timestamp);

/// <summary>Expunge history at or below DeletedModSeq is forgotten (bounds memory; QRESYNC then falls back to a full answer).</summary>
public sealed record ExpungeHistoryTrimmed(long Timestamp, Guid MailboxId, ulong DeletedModSeq) : JournalEntry(Timestamp);

/// <summary>
/// A METADATA entry (RFC 5464) of a mailbox, or of the server with <see cref="Guid.Empty"/>, set to a value or
/// removed (null). One entry per annotation, so a merge decides each by itself.
/// </summary>
public sealed record MetadataChanged(long Timestamp, Guid MailboxId, string Entry, byte[]? Value) : JournalEntry(Timestamp);
