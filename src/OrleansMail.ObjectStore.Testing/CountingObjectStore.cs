using System.Collections.Concurrent;
using OrleansMail.ObjectStore;

namespace OrleansMail.ObjectStore.Testing;

/// <summary>Counts the operations a store is asked for, by the kind Azure bills them (writes, reads, listings), and by object.</summary>
public sealed class CountingObjectStore(IObjectStore inner, ConcurrentDictionary<string, int> counts) : IObjectStore
{
    public Task<bool> CreateAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        Count("create", name);
        return inner.CreateAsync(name, content, metadata, cancellationToken);
    }

    public Task<string> ReplaceAsync(string name, Stream content, string ifMatch, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        Count("replace", name);
        return inner.ReplaceAsync(name, content, ifMatch, metadata, cancellationToken);
    }

    public Task<StoredObject?> ReadAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        Count(range is null ? "read" : "ranged_read", name);
        return inner.ReadAsync(name, range, cancellationToken);
    }

    public Task<ObjectProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        Count("head", name);
        return inner.GetPropertiesAsync(name, cancellationToken);
    }

    public Task<ObjectPage> ListAsync(string prefix, string? continuation = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        Count("list", prefix);
        return inner.ListAsync(prefix, continuation, pageSize, cancellationToken);
    }

    public Task<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        Count("delete", name);
        return inner.DeleteAsync(name, ifMatch, cancellationToken);
    }

    public Task<bool> SetStorageClassAsync(string name, StorageClass storageClass, CancellationToken cancellationToken = default)
    {
        Count("set_class", name);
        return inner.SetStorageClassAsync(name, storageClass, cancellationToken);
    }

    /// <summary>The writes among the counted operations: what Azure bills at its highest per-operation price.</summary>
    public static int Writes(IReadOnlyDictionary<string, int> counts) =>
        counts.Where(c => c.Key.StartsWith("create ", StringComparison.Ordinal) || c.Key.StartsWith("replace ", StringComparison.Ordinal) || c.Key.StartsWith("delete ", StringComparison.Ordinal)).Sum(c => c.Value);

    private void Count(string kind, string name) => counts.AddOrUpdate(kind + " " + name, 1, (_, n) => n + 1);
}
