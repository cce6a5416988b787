namespace OrleansMail.Index.Format;

/// <summary>Journal entry tags on disk and in the store; values never change (new entries get new numbers).</summary>
public enum EntryType : byte
{
    MailboxCreated = 1,
    MailboxRenamed = 2,
    MailboxDeleted = 3,
    SubscriptionChanged = 4,
    MessageAdded = 5,
    FlagsChanged = 6,
    MessagesExpunged = 7,
    CountersRaised = 8,
    TombstoneCleared = 9,
    SummaryBatchStored = 10,
    ExpungeHistoryTrimmed = 11,
    SummaryBatchesDropped = 12,
    MetadataChanged = 13,
}
