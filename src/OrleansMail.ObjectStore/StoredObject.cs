namespace OrleansMail.ObjectStore;

/// <summary>An open read of an object (or of a range of it); dispose it to release the connection or file.</summary>
/// <param name="contentLength">Bytes <paramref name="content"/> holds: the range's length for a ranged read, the object's size otherwise.</param>
public sealed class StoredObject(Stream content, ObjectProperties properties, long contentLength) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;

    /// <summary>The whole object's properties, for a ranged read too.</summary>
    public ObjectProperties Properties { get; } = properties;

    public long ContentLength { get; } = contentLength;

    /// <summary>
    /// The content as one array. Its length is known before its first byte, so the array is taken at that size and
    /// filled in place: a growing buffer, copied at each doubling and once more at the end, showed in CPU profiles
    /// of a FETCH-heavy load. (The length of the content, not of the object: a header read of a large message
    /// takes a few KiB, not the message's size.)
    /// </summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new byte[Math.Clamp(ContentLength, 0, Array.MaxLength)];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await Content.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }

        if (filled < buffer.Length)
        {
            return buffer[..filled];
        }

        // Content longer than announced (a store that could not tell) still comes back whole.
        using var rest = new MemoryStream();
        await Content.CopyToAsync(rest, cancellationToken).ConfigureAwait(false);
        return rest.Length == 0 ? buffer : [.. buffer, .. rest.ToArray()];
    }

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}
