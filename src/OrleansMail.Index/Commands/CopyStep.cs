using OrleansMail.Index.Journal;

namespace OrleansMail.Index.Commands;

/// <summary>One step of a COPY or MOVE: its entries, and each source UID with the UID its copy got (RFC 4315 COPYUID).</summary>
public sealed record CopyStep(IReadOnlyList<JournalEntry> Entries, IReadOnlyList<(uint Source, uint Destination)> Uids);
