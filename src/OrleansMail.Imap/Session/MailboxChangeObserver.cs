using OrleansMail.Grains.Contracts;

namespace OrleansMail.Imap;

/// <summary>The session's ear on its user grain: a notification only marks the view dirty and wakes an IDLE; the session fetches the details itself.</summary>
internal sealed class MailboxChangeObserver(Action<MailboxChange> onChange) : IMailboxObserver
{
    public Task OnMailboxChangedAsync(MailboxChange change)
    {
        onChange(change);
        return Task.CompletedTask;
    }
}
