using OrleansMail.Index.Journal;

namespace OrleansMail.Index.Merge;

/// <summary>The entries a salvaged journal adds, and how many of its changes came back, were already here, or could not be placed.</summary>
public sealed record SalvageResult(IReadOnlyList<JournalEntry> Entries, int Salvaged, int AlreadyPresent, int ChangesNotPlaced);
