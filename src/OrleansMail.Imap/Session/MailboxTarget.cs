using OrleansMail.Grains.Contracts;

namespace OrleansMail.Imap;

/// <summary>A mailbox as a command reaches it: the grain of its owner, the owner, and the owner's own name for it.</summary>
internal sealed record MailboxTarget(IUserGrain Grain, string Owner, string Name)
{
    public bool IsShared(string user) => Owner != user;
}
