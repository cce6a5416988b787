namespace OrleansMail.Sieve;

/// <summary>What a script decided for a message: delivery to INBOX or a mailbox, a forward, a refusal. Discarding leaves no action.</summary>
public abstract record SieveAction;

/// <summary>Keep (explicit or implicit): deliver to INBOX with these flags (RFC 5232: the flags the script set, or its :flags).</summary>
public sealed record SieveKeep(IReadOnlyList<string> Flags) : SieveAction;

/// <summary>Deliver to <paramref name="Mailbox"/>; with <paramref name="Create"/> (RFC 5490 :create) make it if missing.</summary>
public sealed record SieveFileInto(string Mailbox, IReadOnlyList<string> Flags, bool Create) : SieveAction;

/// <summary>Forward to another address (RFC 5228 §4.2).</summary>
public sealed record SieveRedirect(string Address) : SieveAction;

/// <summary>Refuse the message (RFC 5429): in LMTP, a 550 5.7.1 for this recipient with the reason.</summary>
public sealed record SieveReject(string Reason, bool Extended) : SieveAction;
