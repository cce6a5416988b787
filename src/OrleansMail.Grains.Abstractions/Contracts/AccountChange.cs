namespace OrleansMail.Grains.Contracts;

/// <summary>
/// One committed change to a user's mailbox names, subscriptions or annotations, as its owner's sessions hear it
/// (IMAP NOTIFY, RFC 5465). Told only to the owner's own sessions: another user's session must not learn names it
/// has no right to see.
/// </summary>
/// <param name="Name">The mailbox's name after the change (before it, for a deletion); empty for a server annotation.</param>
/// <param name="OldName">A renamed mailbox's name before the rename.</param>
/// <param name="Entry">The annotation's entry name ("/private/comment"), for a metadata change.</param>
/// <param name="Subscribed">Whether the name is subscribed after the change.</param>
/// <param name="Origin">The session whose command made the change (<see cref="ChangeOrigin"/>), so it can leave out its own (RFC 5465 §5).</param>
[GenerateSerializer, Immutable, Alias("om.AccountChange")]
public sealed record AccountChange(
    [property: Id(0)] AccountChangeKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string? OldName,
    [property: Id(3)] string? Entry,
    [property: Id(4)] bool Subscribed,
    [property: Id(5)] Guid Origin);
