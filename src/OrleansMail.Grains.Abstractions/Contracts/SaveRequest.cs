using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// Index a body that is already durable in the store. Idempotent by <see cref="BodyId"/>: saving it again answers
/// the first save's UID. The mailbox is named by id (preferred) or by name (special-use names are created on first use).
/// With <see cref="Quota"/>, a save that would pass it is refused (<c>MailStoreErrorKind.OverQuota</c>) and changes nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.SaveRequest")]
public sealed record SaveRequest(
    [property: Id(0)] Guid BodyId,
    [property: Id(1)] Guid? MailboxId,
    [property: Id(2)] string? MailboxName,
    [property: Id(3)] MessageFlags Flags,
    [property: Id(4)] string[] Keywords,
    [property: Id(5)] long InternalDate,
    [property: Id(6)] long Size,
    [property: Id(7)] byte[]? Summary,
    [property: Id(8)] QuotaLimits? Quota = null)
{
    /// <summary>What the full-text index reads in the message, extracted from the spooled copy (none: the index reads the body later).</summary>
    [Id(9)]
    public byte[]? Text { get; init; }
}
