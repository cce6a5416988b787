using System.Globalization;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace OrleansMail.ObjectStore.Azure;

/// <summary>
/// Objects as block blobs in one container. A create is one Put Blob (or staged blocks + Put Block List for large
/// bodies) with If-None-Match: * — atomic and durable when it answers; a second writer gets 409 BlobAlreadyExists.
/// Metadata values are percent-encoded because Azure accepts only ASCII there.
/// </summary>
public sealed class AzureBlobObjectStore : IObjectStore
{
    private static readonly StorageTransferOptions SingleShotUpTo4MiB = new()
    {
        InitialTransferSize = 4 << 20,
        MaximumTransferSize = 4 << 20,
        MaximumConcurrency = 4,
    };

    private readonly BlobContainerClient _container;

    public AzureBlobObjectStore(BlobContainerClient container) => _container = container;

    public BlobContainerClient Container => _container;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await Guard(() => _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> CreateAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var options = new BlobUploadOptions
        {
            Metadata = Encode(metadata),
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            TransferOptions = SingleShotUpTo4MiB,
        };
        try
        {
            await Guard(() => _container.GetBlobClient(name).UploadAsync(content, options, cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // 409 BlobAlreadyExists for Put Blob; 412 when the staged-block commit meets an existing blob.
            return false;
        }
    }

    public async Task<string> ReplaceAsync(string name, Stream content, string ifMatch, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var options = new BlobUploadOptions
        {
            Metadata = Encode(metadata),
            Conditions = new BlobRequestConditions { IfMatch = new ETag(ifMatch) },
            TransferOptions = SingleShotUpTo4MiB,
        };
        try
        {
            var response = await Guard(() => _container.GetBlobClient(name).UploadAsync(content, options, cancellationToken)).ConfigureAwait(false);
            return response.Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404 or 409)
        {
            throw new ObjectConditionFailedException($"{name}: ETag does not match", e);
        }
    }

    public async Task<StoredObject?> ReadAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        var options = new BlobDownloadOptions();
        if (range is { } r)
        {
            options.Range = new HttpRange(r.Offset, r.Length);
        }

        try
        {
            var response = await Guard(() => _container.GetBlobClient(name).DownloadStreamingAsync(options, cancellationToken)).ConfigureAwait(false);
            var details = response.Value.Details;
            var size = TotalSize(details.ContentRange) ?? details.ContentLength;
            var properties = new ObjectProperties(name, size, details.ETag.ToString(), details.LastModified, Decode(details.Metadata));
            return new StoredObject(response.Value.Content, properties, details.ContentLength);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // A range starting at the end: an empty read, as the file-system backend answers.
            var props = await GetPropertiesAsync(name, cancellationToken).ConfigureAwait(false);
            return props is null ? null : new StoredObject(new MemoryStream([], writable: false), props, 0);
        }
    }

    public async Task<ObjectProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            var p = await Guard(() => _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new ObjectProperties(name, p.Value.ContentLength, p.Value.ETag.ToString(), p.Value.LastModified, Decode(p.Value.Metadata));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<ObjectPage> ListAsync(string prefix, string? continuation = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        var options = new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata };
        try
        {
            await foreach (var page in _container.GetBlobsAsync(options, cancellationToken).AsPages(continuation, pageSize).ConfigureAwait(false))
            {
                var items = page.Values.Select(b => new ObjectEntry(b.Name, b.Properties.ContentLength ?? 0, Decode(b.Metadata))).ToList();
                return new ObjectPage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }

            return new ObjectPage([], null);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new ObjectStoreUnavailableException($"listing {prefix} failed: {e.Message}", e);
        }
    }

    public async Task<bool> SetStorageClassAsync(string name, StorageClass storageClass, CancellationToken cancellationToken = default)
    {
        var tier = storageClass == StorageClass.Cool ? AccessTier.Cool : AccessTier.Hot;
        try
        {
            await Guard(() => _container.GetBlobClient(name).SetAccessTierAsync(tier, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        try
        {
            var response = await Guard(() => _container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, cancellationToken)).ConfigureAwait(false);
            return response.Value;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new ObjectConditionFailedException($"{name}: ETag does not match", e);
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new ObjectStoreUnavailableException($"object store unavailable: {e.Message}", e);
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        AggregateException a => a.InnerExceptions.All(IsTransient),
        IOException or HttpRequestException or TimeoutException => true,
        TaskCanceledException or OperationCanceledException => true,
        _ => false,
    };

    private static long? TotalSize(string? contentRange)
    {
        // "bytes 0-9/100"
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash > 0 && long.TryParse(contentRange![(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;
    }

    private static Dictionary<string, string>? Encode(IReadOnlyDictionary<string, string>? metadata) =>
        metadata?.ToDictionary(kv => kv.Key, kv => Uri.EscapeDataString(kv.Value));

    private static Dictionary<string, string> Decode(IDictionary<string, string>? metadata) =>
        metadata?.ToDictionary(kv => kv.Key, kv => Uri.UnescapeDataString(kv.Value), StringComparer.OrdinalIgnoreCase) ?? [];
}
