using OrleansMail.Grains.Contracts;

namespace OrleansMail.Imap;

/// <summary>The session's ear on its user grain: a notification only marks what to look at and wakes the session; the session fetches the details itself.</summary>
internal sealed class MailboxChangeObserver(Action<MailboxChange> onChange, Action<AccountChange[]> onAccountChange) : IMailboxObserver
{
    public Task OnMailboxChangedAsync(MailboxChange change)
    {
        onChange(change);
        return Task.CompletedTask;
    }

    public Task OnAccountChangedAsync(AccountChange[] changes)
    {
        onAccountChange(changes);
        return Task.CompletedTask;
    }
}
