namespace OrleansMail.ObjectStore;

/// <summary>Conveniences over <see cref="IObjectStore"/> used by grains and tests.</summary>
public static class ObjectStoreExtensions
{
    public static async Task<byte[]?> ReadBytesAsync(this IObjectStore store, string name, CancellationToken cancellationToken = default)
    {
        var obj = await store.ReadAsync(name, null, cancellationToken).ConfigureAwait(false);
        if (obj is null)
        {
            return null;
        }

        await using (obj.ConfigureAwait(false))
        {
            return await obj.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static Task<bool> CreateAsync(this IObjectStore store, string name, byte[] content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        store.CreateAsync(name, new MemoryStream(content, writable: false), metadata, cancellationToken);

    /// <summary>Every object under a prefix, following continuations.</summary>
    public static async IAsyncEnumerable<ObjectEntry> ListAllAsync(this IObjectStore store, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await store.ListAsync(prefix, token, 1000, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            token = page.Continuation;
        }
        while (token is not null);
    }
}
