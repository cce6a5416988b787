namespace OrleansMail.Imap.Protocol;

/// <summary>Limits checked before anything is parsed or buffered (docs/architecture.md, house rules).</summary>
public sealed record ImapParserLimits
{
    /// <summary>Longest command line, literals excluded (Dovecot: imap_max_line_length 64 KiB).</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>Largest literal held in memory as an argument (mailbox names, search strings).</summary>
    public int MaxArgumentLiteral { get; init; } = 64 * 1024;

    /// <summary>Largest streamed literal (APPEND's message): the APPENDLIMIT.</summary>
    public long MaxStreamedLiteral { get; init; } = 50L * 1000 * 1000;

    public int MaxNesting { get; init; } = 32;

    /// <summary>
    /// Most bytes one command may bring, its lines and in-memory literals together (streamed APPEND messages aside):
    /// without it, LITERAL+ lets one command chain literals without end.
    /// </summary>
    public long MaxCommandSize { get; init; } = 2 * 1024 * 1024;

    /// <summary>
    /// A non-synchronizing literal this far past <see cref="MaxCommandSize"/> is not skipped but answered with BYE:
    /// the client sends it whatever we answer, and reading it only costs us.
    /// </summary>
    public int SkipFactor { get; init; } = 16;

    /// <summary>Most tokens in one command (guards against "1 2 3 ..." lines of millions of atoms).</summary>
    public int MaxTokens { get; init; } = 100_000;
}
