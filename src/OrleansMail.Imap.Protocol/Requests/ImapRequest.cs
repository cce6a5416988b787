namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>A command parsed completely: its tag, and (in the concrete records) every argument typed. A command that does not parse never becomes one: it is a BAD.</summary>
public abstract record ImapRequest(string Tag)
{
    /// <summary>The UID form of the command (UID FETCH, UID STORE …).</summary>
    public bool Uid { get; init; }
}
