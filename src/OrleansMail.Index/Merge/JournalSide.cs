using OrleansMail.Index.Journal;

namespace OrleansMail.Index.Merge;

/// <summary>One writer's entries since the common base, in the order it applied them.</summary>
public sealed record JournalSide(Guid ActivationId, IReadOnlyList<JournalEntry> Entries);
