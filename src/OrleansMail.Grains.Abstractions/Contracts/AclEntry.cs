using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>One identifier of a mailbox's access control list (RFC 4314 §2): a user, "anyone", "authenticated", or a negative "-user", with its rights.</summary>
[GenerateSerializer, Immutable, Alias("om.AclEntry")]
public sealed record AclEntry(
    [property: Id(0)] string Identifier,
    [property: Id(1)] MailboxRights Rights);
