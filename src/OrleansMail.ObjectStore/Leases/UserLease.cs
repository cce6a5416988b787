using System.Text.Json;

namespace OrleansMail.ObjectStore.Leases;

/// <summary>
/// The per-user "in use" flag (docs/architecture.md): a small object updated only by conditional writes, so it works the same
/// on Azure and on the file system. Short and renewed; taken over when released, expired, or held by a silo that
/// membership declares dead. Its holder counts it valid only until <see cref="ValidUntil"/>, a safety margin
/// before anyone else may take it, and refuses writes after that.
/// </summary>
public sealed class UserLease : IDisposable
{
    private readonly IObjectStore _store;
    private readonly string _name;
    private readonly string _holderSilo;
    private readonly Guid _activationId;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private string? _etag;
    private DateTimeOffset _expiresAt;

    public UserLease(IObjectStore store, string objectName, string holderSilo, Guid activationId, TimeSpan duration, TimeProvider? time = null)
    {
        _store = store;
        _name = objectName;
        _holderSilo = holderSilo;
        _activationId = activationId;
        _duration = duration;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// After this instant the holder must not acknowledge anything: a quarter of the duration before expiry, the
    /// margin for clock skew and a write in flight. Renewed every quarter, a holder has half the duration of
    /// slack for one slow renewal before its writes stop.
    /// </summary>
    public void Dispose() => _writes.Dispose();

    public DateTimeOffset ValidUntil => _expiresAt - (_duration / 4);

    /// <summary>When another holder may take the lease over unless it is renewed.</summary>
    public DateTimeOffset ExpiresAt => _expiresAt;

    public bool IsValid => _etag is not null && _time.GetUtcNow() < ValidUntil;

    /// <summary>
    /// When the user's lease object was first created: the same for every holder, before and after any failure,
    /// so writers that never saw each other's work can still agree on values derived from it.
    /// </summary>
    public DateTimeOffset Born { get; private set; }

    public static async Task<(LeaseRecord? Record, string? ETag)> ReadAsync(IObjectStore store, string name, CancellationToken cancellationToken = default)
    {
        var obj = await store.ReadAsync(name, null, cancellationToken).ConfigureAwait(false);
        if (obj is null)
        {
            return (null, null);
        }

        await using (obj.ConfigureAwait(false))
        {
            var bytes = await obj.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
            return (JsonSerializer.Deserialize(bytes, LeaseJsonContext.Default.LeaseRecord), obj.Properties.ETag);
        }
    }

    /// <param name="isHolderDead">Asks cluster membership whether a silo is declared dead.</param>
    public async Task<LeaseAcquisition> AcquireAsync(Func<string, Task<bool>> isHolderDead, CancellationToken cancellationToken = default)
    {
        var (current, etag) = await ReadAsync(_store, _name, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        Born = current?.Born ?? now;
        var mine = new LeaseRecord(_holderSilo, _activationId, LeaseState.Active, now + _duration, Born);
        if (current is null)
        {
            if (!await _store.CreateAsync(_name, Serialize(mine), null, cancellationToken).ConfigureAwait(false))
            {
                throw new LeaseHeldException($"{_name} was taken concurrently");
            }

            var props = await _store.GetPropertiesAsync(_name, cancellationToken).ConfigureAwait(false);
            _etag = props?.ETag ?? throw new LeaseHeldException($"{_name} vanished after creation");
            _expiresAt = mine.ExpiresAt;
            return new LeaseAcquisition(false, null);
        }

        var clean = current.State == LeaseState.Released;

        // A holder naming this very silo incarnation is an earlier activation here that failed or was lost without
        // releasing (say its abandon write failed on a flaky store): a silo runs one activation of a user at a time,
        // so it is gone, and waiting out the expiry would only refuse mail meanwhile.
        var free = clean
            || current.ActivationId == _activationId
            || current.HolderSilo == _holderSilo
            || current.ExpiresAt < now
            || await isHolderDead(current.HolderSilo).ConfigureAwait(false);
        if (!free)
        {
            throw new LeaseHeldException($"{_name} is held by {current.HolderSilo} until {current.ExpiresAt:O}");
        }

        try
        {
            _etag = await _store.ReplaceAsync(_name, Serialize(mine), etag!, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectConditionFailedException e)
        {
            throw new LeaseHeldException($"{_name} was taken concurrently", e);
        }

        _expiresAt = mine.ExpiresAt;
        return new LeaseAcquisition(!clean && current.ActivationId != _activationId, current);
    }

    /// <summary>Renews only when a quarter of the duration has passed since the last renewal: cheap to call often during long work.</summary>
    public Task KeepAsync(CancellationToken cancellationToken = default) =>
        _time.GetUtcNow() >= _expiresAt - (_duration * 3 / 4) ? RenewAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Extends the lease; <see cref="LeaseLostException"/> when someone else took it meanwhile.</summary>
    public async Task RenewAsync(CancellationToken cancellationToken = default)
    {
        // One write at a time: a renewal timer and a long recovery's KeepAsync must not race each other on one ETag.
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var etag = _etag ?? throw new LeaseLostException($"{_name} is not held");
            var next = new LeaseRecord(_holderSilo, _activationId, LeaseState.Active, _time.GetUtcNow() + _duration, Born);
            try
            {
                _etag = await _store.ReplaceAsync(_name, Serialize(next), etag, null, cancellationToken).ConfigureAwait(false);
                _expiresAt = next.ExpiresAt;
            }
            catch (ObjectConditionFailedException e)
            {
                // A renewal whose answer was lost (or retried by the SDK after its first write landed) moved the ETag
                // under us: if the lease still names this activation, nobody else wrote it, and it is still ours.
                var (current, currentETag) = await ReadAsync(_store, _name, cancellationToken).ConfigureAwait(false);
                if (current is { State: LeaseState.Active } && current.ActivationId == _activationId && current.HolderSilo == _holderSilo && currentETag is not null)
                {
                    _etag = await _store.ReplaceAsync(_name, Serialize(next), currentETag, null, cancellationToken).ConfigureAwait(false);
                    _expiresAt = next.ExpiresAt;
                    return;
                }

                _etag = null;
                throw new LeaseLostException($"{_name} was taken by another holder", e);
            }
        }
        catch (ObjectConditionFailedException e)
        {
            _etag = null;
            throw new LeaseLostException($"{_name} was taken by another holder", e);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Marks the lease released: the next holder knows this one ended cleanly and skips recovery.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        if (_etag is null)
        {
            return;
        }

        var released = new LeaseRecord(_holderSilo, _activationId, LeaseState.Released, _time.GetUtcNow(), Born);
        try
        {
            await _store.ReplaceAsync(_name, Serialize(released), _etag, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectConditionFailedException)
        {
            // Someone took it already: nothing of ours to release.
        }

        _etag = null;
    }

    /// <summary>Gives the lease up as an unclean end (still active, already expired): the next holder takes it at once and recovers.</summary>
    public async Task AbandonAsync(CancellationToken cancellationToken = default)
    {
        if (_etag is null)
        {
            return;
        }

        var abandoned = new LeaseRecord(_holderSilo, _activationId, LeaseState.Active, _time.GetUtcNow() - _duration, Born);
        try
        {
            await _store.ReplaceAsync(_name, Serialize(abandoned), _etag, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectConditionFailedException)
        {
            // Already someone else's.
        }

        _etag = null;
    }

    private static MemoryStream Serialize(LeaseRecord record) =>
        new(JsonSerializer.SerializeToUtf8Bytes(record, LeaseJsonContext.Default.LeaseRecord), writable: false);
}
