namespace OrleansMail.ObjectStore;

/// <summary>An open read of an object; dispose it to release the connection or file.</summary>
public sealed class StoredObject(Stream content, ObjectProperties properties) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;

    public ObjectProperties Properties { get; } = properties;

    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        using var ms = new MemoryStream();
        await Content.CopyToAsync(ms, cancellationToken).ConfigureAwait(false);
        return ms.ToArray();
    }

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}
