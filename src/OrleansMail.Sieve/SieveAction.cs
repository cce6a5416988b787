using MimeKit;

namespace OrleansMail.Sieve;

/// <summary>What a script decided for a message: delivery to INBOX or a mailbox, a forward, a refusal, an automatic reply. Discarding leaves no action.</summary>
public abstract record SieveAction;

/// <summary>Keep (explicit or implicit): deliver to INBOX with these flags (RFC 5232: the flags the script set, or its :flags).</summary>
public sealed record SieveKeep(IReadOnlyList<string> Flags) : SieveAction;

/// <summary>Deliver to <paramref name="Mailbox"/>; with <paramref name="Create"/> (RFC 5490 :create) make it if missing.</summary>
public sealed record SieveFileInto(string Mailbox, IReadOnlyList<string> Flags, bool Create) : SieveAction;

/// <summary>Forward to another address (RFC 5228 §4.2).</summary>
public sealed record SieveRedirect(string Address) : SieveAction;

/// <summary>Refuse the message (RFC 5429): in LMTP, a 550 5.7.1 for this recipient with the reason.</summary>
public sealed record SieveReject(string Reason, bool Extended) : SieveAction;

/// <summary>
/// Answer the sender automatically (RFC 5230), at most once per sender and handle in <paramref name="Days"/>: the
/// delivery decides, by <see cref="VacationResponse"/>'s rules, whether this message deserves an answer at all.
/// </summary>
/// <param name="Reason">The reply's text, or with <paramref name="Mime"/> a whole MIME part.</param>
/// <param name="Subject">The reply's subject; null for "Auto: " and the original's.</param>
/// <param name="From">The reply's From; null for the recipient's address.</param>
/// <param name="Addresses">Further addresses of the user's own (:addresses), besides the one mail came to.</param>
/// <param name="Handle">What says "the same vacation" for the once-per-days rule: :handle, or a digest of the rest.</param>
public sealed record SieveVacation(string Reason, string? Subject, string? From, IReadOnlyList<string> Addresses, bool Mime, string Handle, int Days) : SieveAction;

/// <summary>
/// Remember this message for the duplicate test (RFC 7352): once the delivery has done what the script said, the
/// user's index records <paramref name="Key"/> (the handle and the message's id) as seen now. With
/// <paramref name="Last"/> an earlier sighting is moved to now; without it the first sighting stands.
/// </summary>
public sealed record SieveTrackDuplicate(string Key, long Seconds, bool Last) : SieveAction;

/// <summary>
/// The header as the script left it after addheader and deleteheader (RFC 5293): what keep, fileinto and redirect
/// store and send instead of the original header. Present only when the script edited it.
/// </summary>
public sealed record SieveHeaderEdited(HeaderList Headers) : SieveAction;
