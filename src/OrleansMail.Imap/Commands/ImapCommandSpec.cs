namespace OrleansMail.Imap;

/// <summary>
/// One row of the command table: where a command is valid, whether it has a UID form, and whether untagged
/// EXPUNGE must wait until after it (RFC 3501 §7.4.1: not while answering FETCH, STORE or SEARCH, since the client
/// may be using sequence numbers; the UID forms are exempt).
/// The handler gets the request the protocol library parsed, and returns the text of its tagged OK, or null when it has answered itself (STARTTLS).
/// </summary>
internal sealed record ImapCommandSpec(string Name, ImapStates States, Func<ImapSession, ImapRequest, Task<string?>> Run, bool HasUidForm = false, bool DefersExpunge = false);
