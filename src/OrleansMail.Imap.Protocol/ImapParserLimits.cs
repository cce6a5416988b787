namespace OrleansMail.Imap.Protocol;

/// <summary>Limits checked before anything is parsed or buffered (STYLE.md habit 2).</summary>
public sealed record ImapParserLimits
{
    /// <summary>Longest command line, literals excluded (Dovecot: imap_max_line_length 64 KiB).</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>Largest literal held in memory as an argument (mailbox names, search strings).</summary>
    public int MaxArgumentLiteral { get; init; } = 64 * 1024;

    /// <summary>Largest streamed literal (APPEND's message): the APPENDLIMIT.</summary>
    public long MaxStreamedLiteral { get; init; } = 50L * 1000 * 1000;

    public int MaxNesting { get; init; } = 32;

    /// <summary>Most tokens in one command (guards against "1 2 3 ..." lines of millions of atoms).</summary>
    public int MaxTokens { get; init; } = 100_000;
}
