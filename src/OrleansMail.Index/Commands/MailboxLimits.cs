namespace OrleansMail.Index.Commands;

/// <summary>The per-user budgets the mailbox commands enforce (section OrleansMail:Store in a host).</summary>
public sealed record MailboxLimits(int MaxMailboxes = 10_000, int MaxKeywordsPerMailbox = 256, int ExpungeHistoryLimit = 100_000);
