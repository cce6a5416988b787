using OrleansMail.Mail;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>
/// Where one copy goes: a canonical user, a mailbox (by id, or by name with INBOX as the default), initial flags,
/// and its own trace headers; with <paramref name="Shared"/>, the content is already stored once for several
/// recipients and this copy is that recipient's trace headers and a reference to it. With <paramref name="Quota"/>,
/// a copy that would take the user past it is refused and its body deleted.
/// </summary>
public sealed record DeliveryTarget(
    string UserId,
    string? MailboxName = null,
    Guid? MailboxId = null,
    MessageFlags Flags = MessageFlags.None,
    string[]? Keywords = null,
    DateTimeOffset? InternalDate = null,
    byte[]? TracePrefix = null,
    SharedCopy? Shared = null,
    QuotaLimits? Quota = null);
