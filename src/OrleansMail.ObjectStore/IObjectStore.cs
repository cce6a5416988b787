namespace OrleansMail.ObjectStore;

/// <summary>
/// The object store every byte of mail lives in: Azure Blob Storage or a local folder. Names are '/'-separated;
/// bodies and index objects are created once and never overwritten; only the manifest and the lease use
/// conditional overwrites. Transient failures surface as <see cref="ObjectStoreUnavailableException"/>.
/// </summary>
public interface IObjectStore
{
    /// <summary>
    /// Durable create-once write (docs/architecture.md "durable"): true when this call created the object, false when an
    /// object of that name already existed (it is left untouched).
    /// </summary>
    Task<bool> CreateAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Overwrites only if the current ETag is <paramref name="ifMatch"/>; returns the new ETag; <see cref="ObjectConditionFailedException"/> otherwise.</summary>
    Task<string> ReplaceAsync(string name, Stream content, string ifMatch, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Reads an object, or a byte range of it; null when it does not exist.</summary>
    Task<StoredObject?> ReadAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default);

    Task<ObjectProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>One page of the objects whose names start with <paramref name="prefix"/>, in name order. The continuation is opaque: pass back only what a page returned.</summary>
    Task<ObjectPage> ListAsync(string prefix, string? continuation = null, int pageSize = 1000, CancellationToken cancellationToken = default);

    /// <summary>Deletes (only if the ETag matches, when given); false when there was nothing to delete.</summary>
    Task<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Moves an object to another storage class; false when the store has only one (a folder) or the object is gone.</summary>
    Task<bool> SetStorageClassAsync(string name, StorageClass storageClass, CancellationToken cancellationToken = default);
}
