using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>A mailbox as LIST and STATUS see it: identity, counters and counts.</summary>
[GenerateSerializer, Immutable, Alias("om.MailboxInfo")]
public sealed record MailboxInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] SpecialUse SpecialUse,
    [property: Id(3)] bool Subscribed,
    [property: Id(4)] uint UidValidity,
    [property: Id(5)] uint UidNext,
    [property: Id(6)] ulong HighestModSeq,
    [property: Id(7)] int Messages,
    [property: Id(8)] int Unseen,
    [property: Id(9)] long Size,
    [property: Id(10)] bool HasChildren,
    [property: Id(11)] int Recent = 0,
    [property: Id(12)] int Deleted = 0,
    [property: Id(13)] long DeletedSize = 0);
