namespace OrleansMail.Grains.Contracts;

/// <summary>A front-end session listening for changes (IMAP IDLE and NOTIFY, untagged EXISTS/EXPUNGE between commands).</summary>
public interface IMailboxObserver : IGrainObserver
{
    /// <summary>Not one-way: the grain learns from the failed call that a session is gone and drops it.</summary>
    Task OnMailboxChangedAsync(MailboxChange change);

    /// <summary>The changes of one commit to the user's mailbox names, subscriptions and annotations; only the owner's sessions hear them.</summary>
    Task OnAccountChangedAsync(AccountChange[] changes);
}
