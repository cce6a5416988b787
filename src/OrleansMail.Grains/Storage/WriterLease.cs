using Microsoft.Extensions.Logging;
using OrleansMail.Errors;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Leases;

namespace OrleansMail.Grains.Storage;

/// <summary>
/// The user's lease as the one activation that writes for it sees it (docs/architecture.md, "Leases"): renewed
/// while writes come, let lapse while idle, taken back before the next acknowledgement, and once lost the
/// activation is fenced: it acknowledges nothing more and leaves.
/// </summary>
internal sealed class WriterLease(IObjectStore store, UserObjectNames names, string holderSilo, Guid activationId, TimeSpan duration, bool renewWhileIdle, ILogger log, TimeProvider time, Action leave) : IDisposable
{
    private readonly UserLease _lease = new(store, names.Lease, holderSilo, activationId, duration, time);
    private readonly string _user = names.User;

    /// <summary>Set by every write, cleared by each renewal: an activation that writes nothing renews nothing.</summary>
    private bool _writesSinceRenewal;

    /// <summary>Another writer holds the user (or may): nothing more is acknowledged here.</summary>
    public bool IsFenced { get; private set; }

    public bool IsValid => _lease.IsValid;

    /// <summary>When the lease was first taken by anyone: the well-known mailboxes' first UIDVALIDITY derives from it.</summary>
    public DateTimeOffset Born => _lease.Born;

    /// <summary>The lease itself, for what activation and deactivation do with it (acquire, keep while loading, release).</summary>
    public UserLease Lease => _lease;

    public void Dispose() => _lease.Dispose();

    /// <summary>Stops this activation from acknowledging anything more, and asks Orleans to end it.</summary>
    public void Fence()
    {
        IsFenced = true;
        leave();
    }

    public void ThrowIfFenced()
    {
        if (IsFenced)
        {
            throw MailStoreException.Unavailable("another writer took this user over; retry");
        }
    }

    /// <summary>
    /// Before anything is acknowledged: this activation must still hold the _lease. The first write after a quiet
    /// period takes it back with one write conditional on the ETag this activation last wrote: if anyone else
    /// wrote the lease meanwhile (a successor took the user over), that write fails and this activation is fenced.
    /// </summary>
    public async Task EnsureWritableAsync()
    {
        ThrowIfFenced();
        _writesSinceRenewal = true;
        if (_lease.IsValid)
        {
            return;
        }

        try
        {
            await _lease.RenewAsync().ConfigureAwait(true);
        }
        catch (LeaseLostException e)
        {
            StoreLog.LeaseLostWhileIdle(log, e, _user);
            Fence();
            throw MailStoreException.Unavailable("another writer took this user over; retry", e);
        }
        catch (ObjectStoreUnavailableException e)
        {
            throw MailStoreException.Unavailable("the user's lease cannot be renewed (store unreachable); retry", e);
        }

        if (!_lease.IsValid)
        {
            throw MailStoreException.Unavailable("the user's lease is not renewed (store too slow); retry");
        }
    }

    /// <summary>
    /// The renewal timer's tick. Only while writes come: an idle user (a phone in IDLE for days) costs no store
    /// writes; its next write, or the checkpoint of changes still pending, takes the lease back first.
    /// </summary>
    public async Task RenewOnTimerAsync(CancellationToken cancellationToken)
    {
        if (!_writesSinceRenewal && !renewWhileIdle)
        {
            return;
        }

        _writesSinceRenewal = false;

        // Bounded: a renewal stuck on an unreachable store would hold the timer, and the lease would stay lapsed
        // long after the store came back (the next tick renews on our unchanged ETag and writes resume). The bound
        // is the time left before the lease really expires, never less than a period: a merely slow store (a busy
        // Azurite, a congested link) must get its renewal through rather than be cut off and lapse the _lease.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var period = duration / 4;
        var left = _lease.ExpiresAt - TimeProvider.System.GetUtcNow();
        bounded.CancelAfter(left > period ? left : period);
        try
        {
            await _lease.RenewAsync(bounded.Token).ConfigureAwait(true);
        }
        catch (OperationCanceledException e) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            StoreLog.LeaseRenewalTimedOut(log, e, _user);
        }
        catch (LeaseLostException e)
        {
            StoreLog.LeaseLost(log, e, _user);
            Fence();
        }
        catch (ObjectStoreUnavailableException e)
        {
            StoreLog.LeaseRenewalFailed(log, e, _user);
        }
    }

    /// <summary>Hands the lease back as an unclean end, so the next activation recovers instead of waiting for expiry.</summary>
    public async Task TryAbandonAsync()
    {
        try
        {
            await _lease.AbandonAsync().ConfigureAwait(true);
        }
        catch (Exception e) when (e is ObjectStoreUnavailableException or LeaseLostException)
        {
            StoreLog.LeaseAbandonFailed(log, e, _user);
        }
    }
}
