using Microsoft.Extensions.Logging;
using OrleansMail.Grains.Contracts;

namespace OrleansMail.Grains.Observers;

/// <summary>
/// The sessions watching one user (IDLE, NOTIFY-style polling): told of each committed change, never of one a
/// crash could take back (docs/architecture.md, house rules: persist, then notify). Runs on the grain's scheduler.
/// </summary>
internal sealed class MailboxObservers(TimeProvider time, ILogger log, string user)
{
    /// <summary>A live session answers in milliseconds; one that does not within this is treated as gone.</summary>
    private static readonly TimeSpan NotificationTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Sessions resubscribe at every poll; one silent for this long is gone without having said so.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<IMailboxObserver, DateTimeOffset> _observers = [];

    public int Count => _observers.Count;

    public void Subscribe(IMailboxObserver observer) => _observers[observer] = time.GetUtcNow();

    public void Unsubscribe(IMailboxObserver observer) => _observers.Remove(observer);

    /// <summary>Tells every live observer of each change, without waiting for any of them.</summary>
    public void Notify(IReadOnlyCollection<MailboxChange> changes)
    {
        if (_observers.Count == 0 || changes.Count == 0)
        {
            return;
        }

        var stale = time.GetUtcNow() - Lifetime;
        foreach (var (observer, since) in _observers.ToList())
        {
            if (since < stale)
            {
                _observers.Remove(observer);
            }
        }

        foreach (var change in changes)
        {
            foreach (var observer in _observers.Keys)
            {
                _ = NotifyOneAsync(observer, change);
            }
        }
    }

    /// <summary>
    /// An observer whose session is gone (its object reference deleted, its silo or client down) fails the call or
    /// never answers: it is dropped at the first such notification instead of being called, and logging, on every
    /// change until it ages out. One dropped by mistake resubscribes at its next poll (sessions do every
    /// <c>IdlePollInterval</c>).
    /// </summary>
    private async Task NotifyOneAsync(IMailboxObserver observer, MailboxChange change)
    {
        try
        {
            await observer.OnMailboxChangedAsync(change).WaitAsync(NotificationTimeout, time).ConfigureAwait(true);
        }
        catch (Exception e)
        {
            _observers.Remove(observer);
            StoreLog.ObserverDropped(log, e, user);
        }
    }
}
