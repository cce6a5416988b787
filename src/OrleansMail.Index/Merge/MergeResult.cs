using OrleansMail.Index.Model;

namespace OrleansMail.Index.Merge;

/// <summary>The merged index, with what the merge had to renumber or rename.</summary>
public sealed record MergeResult(UserIndex Index, IReadOnlyList<UidReassignment> Reassigned, IReadOnlyList<(Guid MailboxId, string NewName)> Renamed);
