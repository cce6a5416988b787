using Orleans.Concurrency;

namespace OrleansMail.Grains.Contracts;

/// <summary>A front-end session listening for changes (IMAP IDLE, untagged EXISTS/EXPUNGE between commands).</summary>
public interface IMailboxObserver : IGrainObserver
{
    [OneWay]
    Task OnMailboxChangedAsync(MailboxChange change);
}
