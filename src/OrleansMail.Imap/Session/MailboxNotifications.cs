using OrleansMail.Accounts.Directory;
using OrleansMail.Grains.Contracts;

namespace OrleansMail.Imap;

/// <summary>
/// The session's subscription to its user grain's change notices. Notices are a shortcut, not the truth
/// (observers are not durable, docs/architecture.md): a notice only marks the selected view dirty and wakes an
/// IDLE; the subscription is renewed every poll interval, and each renewal is also a reason to look for changes.
/// </summary>
internal sealed class MailboxNotifications(ImapSessionContext session)
{
    private IMailboxObserver? _reference;
    // Orleans keeps only a weak reference to an observer object: this field is what keeps it alive.
    private MailboxChangeObserver? _observer;
    private IUserGrain? _user;

    // The owner of a shared mailbox the session has selected: its grain tells of that mailbox's changes.
    private (string Owner, IUserGrain Grain)? _shared;

    // Other users whose shared mailboxes NOTIFY watches (RFC 5465): their grains tell of those mailboxes' changes.
    private readonly Dictionary<string, IUserGrain> _watched = new(StringComparer.Ordinal);
    private DateTimeOffset _subscribedAt;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task? _poll;

    /// <summary>
    /// Completes at the next periodic look. One timer per session, kept across waits: a wait woken by a notice
    /// reuses it, so a stream of notices (every delivery is one) does not leave a timer behind per wake.
    /// </summary>
    public Task Poll => _poll is { IsCompleted: false } pending ? pending : _poll = Task.Delay(session.Options.IdlePollInterval, session.Services.Time);

    /// <summary>Completes at the next notice since <see cref="Rearm"/>.</summary>
    public Task Changed => _changed.Task;

    public void Rearm() => _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next <see cref="RenewIfDueAsync"/> renews whatever the interval says.</summary>
    public void RenewAtNextLook() => _subscribedAt = DateTimeOffset.MinValue;

    public async Task StartAsync(UserEntry user)
    {
        _observer = new MailboxChangeObserver(OnChange, OnAccountChange);
        _reference = session.Services.Grains.CreateObjectReference<IMailboxObserver>(_observer);
        _user = session.Services.Grains.GetGrain<IUserGrain>(user.UserId);
        await RenewIfDueAsync(force: true).ConfigureAwait(false);
    }

    public async Task RenewIfDueAsync(bool force = false)
    {
        var now = session.Services.Time.GetUtcNow();
        if (_reference is null || _user is null || (!force && now - _subscribedAt < session.Options.IdlePollInterval))
        {
            return;
        }

        _subscribedAt = now;
        try
        {
            await FollowSelectedOwnerAsync().ConfigureAwait(false);
            await _user.SubscribeAsync(_reference).ConfigureAwait(false);
            if (_shared is { } shared)
            {
                await shared.Grain.SubscribeAsync(_reference).ConfigureAwait(false);
            }

            foreach (var grain in _watched.Values)
            {
                await grain.SubscribeAsync(_reference).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (ImapErrors.TryDescribe(e, out _))
        {
            // Without notices the session still sees changes at its next look.
            ImapLog.SubscribeFailed(session.Log, e);
            _subscribedAt = DateTimeOffset.MinValue;
        }

        if (session.View is { } view)
        {
            // A renewal is also when we look for changes a lost notice may have hidden.
            view.Dirty = true;
        }
    }

    /// <summary>Subscribes to the grain of the selected mailbox's owner when that is another user, and leaves the one before.</summary>
    private async Task FollowSelectedOwnerAsync()
    {
        var owner = session.State is SelectedState { View.Owner: var o, User.UserId: var me } && o != me ? o : null;
        if (_shared?.Owner == owner)
        {
            return;
        }

        if (_shared is { } previous)
        {
            _shared = null;
            if (!_watched.ContainsKey(previous.Owner))
            {
                await previous.Grain.UnsubscribeAsync(_reference!).ConfigureAwait(false);
            }
        }

        if (owner is not null)
        {
            _shared = (owner, session.Services.Grains.GetGrain<IUserGrain>(owner));
        }
    }

    /// <summary>Listens to exactly these other users' grains for NOTIFY, from now on; leaves the ones no longer named.</summary>
    public async Task WatchOwnersAsync(IReadOnlyCollection<string> owners)
    {
        if (_reference is null)
        {
            return;
        }

        foreach (var gone in _watched.Keys.Where(o => !owners.Contains(o)).ToList())
        {
            var grain = _watched[gone];
            _watched.Remove(gone);
            if (_shared?.Owner != gone)
            {
                await grain.UnsubscribeAsync(_reference).ConfigureAwait(false);
            }
        }

        foreach (var owner in owners.Where(o => !_watched.ContainsKey(o)))
        {
            var grain = session.Services.Grains.GetGrain<IUserGrain>(owner);
            _watched[owner] = grain;
            await grain.SubscribeAsync(_reference).ConfigureAwait(false);
        }
    }

    /// <summary>Whatever state the session ended in (a BYE sets LogoutState first), its subscription goes with it.</summary>
    public async Task StopAsync()
    {
        if (_reference is not null && _user is { } user)
        {
            try
            {
                await user.UnsubscribeAsync(_reference).ConfigureAwait(false);
                if (_shared is { } shared && !_watched.ContainsKey(shared.Owner))
                {
                    await shared.Grain.UnsubscribeAsync(_reference).ConfigureAwait(false);
                }

                foreach (var grain in _watched.Values)
                {
                    await grain.UnsubscribeAsync(_reference).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ImapLog.UnsubscribeFailed(session.Log, e);
            }

            session.Services.Grains.DeleteObjectReference<IMailboxObserver>(_reference);
        }

        _reference = null;
        _user = null;
        _shared = null;
        _watched.Clear();
        _observer = null;
    }

    private void OnChange(MailboxChange change)
    {
        if (session.View is { } view && view.Id == change.MailboxId)
        {
            if (view.Epoch != change.Epoch)
            {
                view.Epoch = change.Epoch;
                view.Dirty = true;
            }

            view.Noticed(change.HighestModSeq, change.UidNext);
        }

        session.Notify?.Note(change);
        _changed.TrySetResult();
    }

    private void OnAccountChange(AccountChange[] changes)
    {
        session.Notify?.Note(changes);
        _changed.TrySetResult();
    }
}
