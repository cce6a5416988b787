using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains.FullText;

/// <summary>
/// Names the full-text index the object store holds (users/{u}/fts/manifest): one commit of it, and per file the
/// immutable object holding it. Objects are created once under the name of the activation that wrote them, so a
/// crash, a zombie or a second writer can never overwrite a file another manifest names.
/// </summary>
internal sealed record FullTextManifest(
    [property: JsonPropertyName("commit")] string Commit,
    [property: JsonPropertyName("generation")] long Generation,
    [property: JsonPropertyName("files")] IReadOnlyList<FullTextFile> Files,
    [property: JsonPropertyName("documents")] int Documents)
{
    public static string Name(UserObjectNames names) => names.FullTextPrefix + "manifest";

    /// <summary>The manifest and its ETag, or (null, null) when there is none.</summary>
    public static async Task<(FullTextManifest? Manifest, string? ETag)> ReadAsync(IObjectStore store, UserObjectNames names, CancellationToken cancellationToken)
    {
        await using var stored = await store.ReadAsync(Name(names), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return (null, null);
        }

        try
        {
            var manifest = await JsonSerializer.DeserializeAsync<FullTextManifest>(stored.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (manifest, stored.Properties.ETag);
        }
        catch (JsonException)
        {
            // Unreadable: treated as none, and replaced by the next upload.
            return (null, stored.Properties.ETag);
        }
    }

    /// <summary>Writes this manifest over the one with <paramref name="etag"/> (or as the first); returns the new ETag.</summary>
    public async Task<string> WriteAsync(IObjectStore store, UserObjectNames names, string? etag, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this);
        if (etag is not null)
        {
            return await store.ReplaceAsync(Name(names), new MemoryStream(bytes), etag, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (!await store.CreateAsync(Name(names), new MemoryStream(bytes), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            throw new ObjectConditionFailedException(Name(names));
        }

        var created = await store.GetPropertiesAsync(Name(names), cancellationToken).ConfigureAwait(false);
        return created?.ETag ?? throw new ObjectConditionFailedException(Name(names));
    }
}

/// <summary>One file of a full-text commit: its name in the index folder, the object holding it, its length.</summary>
internal sealed record FullTextFile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("bytes")] long Bytes);
