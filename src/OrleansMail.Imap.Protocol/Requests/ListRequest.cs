namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>LIST (with RFC 5258 selection and return options, RFC 5819 STATUS) or LSUB.</summary>
public sealed record ListRequest(string Tag, bool Lsub, string Reference, IReadOnlyList<string> Patterns) : ImapRequest(Tag)
{
    public bool SelectSubscribed { get; init; }

    public bool SelectSpecialUse { get; init; }

    public bool RecursiveMatch { get; init; }

    public bool ReturnSubscribed { get; init; }

    public bool ReturnChildren { get; init; }

    public bool ReturnSpecialUse { get; init; } = true;

    /// <summary>MYRIGHTS for each mailbox listed (RFC 8440), as the MYRIGHTS command would answer it.</summary>
    public bool ReturnMyRights { get; init; }

    /// <summary>The STATUS items to return for each mailbox (RFC 5819), or null.</summary>
    public IReadOnlyList<string>? ReturnStatus { get; init; }
}
