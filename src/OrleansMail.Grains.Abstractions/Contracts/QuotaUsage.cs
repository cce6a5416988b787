using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// What a user's messages count against a quota (RFC 9208 MESSAGE and STORAGE): every record, a copy counting
/// again; its mailboxes (MAILBOX); with the limits an administrator set for the user, which replace its directory's (null: none set).
/// </summary>
[GenerateSerializer, Immutable, Alias("om.QuotaUsage")]
public sealed record QuotaUsage(
    [property: Id(0)] long Messages,
    [property: Id(1)] long StorageBytes,
    [property: Id(2)] QuotaLimits? Override = null,
    [property: Id(3)] int Mailboxes = 0)
{
    /// <summary>The limits in force: the administrator's when set, else those the directory gives (<paramref name="configured"/>).</summary>
    public QuotaLimits? Limits(QuotaLimits? configured) => Override ?? configured;
}
