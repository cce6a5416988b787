using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// What the full-text index says of one <see cref="TextCriterion"/> in one mailbox: the UIDs that match for certain,
/// and those that may match and must be read to tell. Every other UID of the mailbox does not match.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.TextAnswer")]
public sealed record TextAnswer(
    [property: Id(0)] UidSet Matches,
    [property: Id(1)] UidSet Candidates);
