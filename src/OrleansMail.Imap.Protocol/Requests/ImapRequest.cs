namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>A command parsed completely: its tag, and (in the concrete records) every argument typed. A command that does not parse never becomes one: it is a BAD.</summary>
public abstract record ImapRequest(string Tag)
{
    /// <summary>The UID form of the command (UID FETCH, UID STORE …).</summary>
    public bool Uid { get; init; }

    /// <summary>
    /// A mailbox argument was not valid modified UTF-7 (RFC 3501 §5.1.3). That is no grammar error: such a name
    /// names no mailbox, so the command is refused with NO, as for any mailbox that does not exist.
    /// </summary>
    public bool HasInvalidMailboxName { get; init; }
}
