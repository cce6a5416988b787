using OrleansMail.Index.Journal;
using OrleansMail.Mail;

namespace OrleansMail.Index.Commands;

/// <summary>What a STORE changes, and the messages UNCHANGEDSINCE kept it from changing (RFC 7162 §3.1.3's MODIFIED set).</summary>
public sealed record FlagChanges(IReadOnlyList<FlagsChanged> Entries, UidSet Modified);
