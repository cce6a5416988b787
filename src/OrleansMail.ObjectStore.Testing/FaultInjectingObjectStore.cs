namespace OrleansMail.ObjectStore.Testing;

/// <summary>A decorator that delays and fails calls as its <see cref="FaultPlan"/> says; tests and benchmarks wrap real stores with it.</summary>
public sealed class FaultInjectingObjectStore(IObjectStore inner, FaultPlan plan) : IObjectStore
{
    public FaultPlan Plan => plan;

    public async Task<bool> CreateAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(name, cancellationToken).ConfigureAwait(false);
        var created = await inner.CreateAsync(name, content, metadata, cancellationToken).ConfigureAwait(false);
        AfterWrite(name);
        return created;
    }

    public async Task<string> ReplaceAsync(string name, Stream content, string ifMatch, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(name, cancellationToken).ConfigureAwait(false);
        var etag = await inner.ReplaceAsync(name, content, ifMatch, metadata, cancellationToken).ConfigureAwait(false);
        AfterWrite(name);
        return etag;
    }

    public async Task<StoredObject?> ReadAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(name, cancellationToken).ConfigureAwait(false);
        return await inner.ReadAsync(name, range, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ObjectProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(name, cancellationToken).ConfigureAwait(false);
        return await inner.GetPropertiesAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ObjectPage> ListAsync(string prefix, string? continuation = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(prefix, cancellationToken).ConfigureAwait(false);
        return await inner.ListAsync(prefix, continuation, pageSize, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(name, cancellationToken).ConfigureAwait(false);
        var deleted = await inner.DeleteAsync(name, ifMatch, cancellationToken).ConfigureAwait(false);
        if (plan.LoseAnswer?.Invoke(name) == true)
        {
            throw new ObjectStoreUnavailableException($"injected: {name} deleted, answer lost");
        }

        return deleted;
    }

    public async Task<bool> SetStorageClassAsync(string name, StorageClass storageClass, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(name, cancellationToken).ConfigureAwait(false);
        return await inner.SetStorageClassAsync(name, storageClass, cancellationToken).ConfigureAwait(false);
    }

    private async Task BeforeAsync(string name, CancellationToken cancellationToken)
    {
        var delay = plan.Latency + TimeSpan.FromTicks((long)(plan.Jitter.Ticks * plan.Next()));
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        if (plan.Down)
        {
            throw new ObjectStoreUnavailableException("injected: store down");
        }

        if (plan.Block?.Invoke(name) == true)
        {
            throw new ObjectStoreUnavailableException($"injected: {name} blocked");
        }

        if (plan.FailureRate > 0 && plan.Next() < plan.FailureRate)
        {
            throw new ObjectStoreUnavailableException($"injected: {name} failed");
        }
    }

    private void AfterWrite(string name)
    {
        if (plan.LoseAnswer?.Invoke(name) == true)
        {
            throw new ObjectStoreUnavailableException($"injected: {name} written, answer lost");
        }

        if (plan.FailAfterWriteRate > 0 && plan.Next() < plan.FailAfterWriteRate)
        {
            throw new ObjectStoreUnavailableException($"injected: {name} written, answer lost");
        }
    }
}
