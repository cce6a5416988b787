namespace OrleansMail.Index.Merge;

/// <summary>A record that a merge moved to a new UID because its old one was ambiguous; the old UID is reported expunged.</summary>
public readonly record struct UidReassignment(Guid MailboxId, Guid RecordId, uint NewUid);
