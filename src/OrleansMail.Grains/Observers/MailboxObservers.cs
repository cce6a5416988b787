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

    private readonly Dictionary<IMailboxObserver, Subscriber> _observers = [];

    public int Count => _observers.Count;

    /// <summary>Registers or renews a session; <paramref name="accessor"/> is the user it acts for (null: the owner's own).</summary>
    public void Subscribe(IMailboxObserver observer, string? accessor) => _observers[observer] = new Subscriber(time.GetUtcNow(), accessor is null || accessor == user);

    public void Unsubscribe(IMailboxObserver observer) => _observers.Remove(observer);

    /// <summary>The live observers, the owner's sessions apart from readers': what a migration hands to the next activation.</summary>
    public (IMailboxObserver[] Owners, IMailboxObserver[] Readers) Export()
    {
        DropStale();
        return (
            [.. _observers.Where(o => o.Value.IsOwner).Select(o => o.Key)],
            [.. _observers.Where(o => !o.Value.IsOwner).Select(o => o.Key)]);
    }

    /// <summary>Observers handed over by the previous activation: renewed as of now, as they would be at their next poll.</summary>
    public void Import(IMailboxObserver[] owners, IMailboxObserver[] readers)
    {
        var now = time.GetUtcNow();
        foreach (var o in owners)
        {
            _observers[o] = new Subscriber(now, IsOwner: true);
        }

        foreach (var o in readers)
        {
            _observers.TryAdd(o, new Subscriber(now, IsOwner: false));
        }
    }

    /// <summary>Tells every live observer of each change, without waiting for any of them.</summary>
    public void Notify(IReadOnlyCollection<MailboxChange> changes)
    {
        if (_observers.Count == 0 || changes.Count == 0)
        {
            return;
        }

        DropStale();
        foreach (var change in changes)
        {
            foreach (var observer in _observers.Keys)
            {
                _ = NotifyOneAsync(observer, observer.OnMailboxChangedAsync(change));
            }
        }
    }

    /// <summary>Tells the owner's own sessions of a commit's changes to names, subscriptions and annotations; other users' sessions hear nothing of them.</summary>
    public void Notify(AccountChange[] changes)
    {
        if (_observers.Count == 0 || changes.Length == 0)
        {
            return;
        }

        DropStale();
        foreach (var (observer, subscriber) in _observers)
        {
            if (subscriber.IsOwner)
            {
                _ = NotifyOneAsync(observer, observer.OnAccountChangedAsync(changes));
            }
        }
    }

    private void DropStale()
    {
        var stale = time.GetUtcNow() - Lifetime;
        foreach (var (observer, subscriber) in _observers.ToList())
        {
            if (subscriber.Since < stale)
            {
                _observers.Remove(observer);
            }
        }
    }

    /// <summary>
    /// An observer whose session is gone (its object reference deleted, its silo or client down) fails the call or
    /// never answers: it is dropped at the first such notification instead of being called, and logging, on every
    /// change until it ages out. One dropped by mistake resubscribes at its next poll (sessions do every
    /// <c>IdlePollInterval</c>).
    /// </summary>
    private async Task NotifyOneAsync(IMailboxObserver observer, Task notification)
    {
        try
        {
            await notification.WaitAsync(NotificationTimeout, time).ConfigureAwait(true);
        }
        catch (Exception e)
        {
            _observers.Remove(observer);
            StoreLog.ObserverDropped(log, e, user);
        }
    }

    /// <param name="IsOwner">The session acts for the user itself, not for a reader of a shared mailbox.</param>
    private readonly record struct Subscriber(DateTimeOffset Since, bool IsOwner);
}
