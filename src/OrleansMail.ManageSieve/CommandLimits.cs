namespace OrleansMail.ManageSieve;

/// <summary>What one command may bring: its line outside literals, its literals together, and what may be dropped unread.</summary>
internal sealed record CommandLimits(int MaxLineLength, long MaxCommandSize, long MaxSkippedLiteral);
