using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansMail.ObjectStore.Telemetry;

/// <summary>Times every object-store call (meter "OrleansMail.ObjectStore"), tagged by operation and outcome, for OpenTelemetry.</summary>
public sealed class InstrumentedObjectStore : IObjectStore, IDisposable
{
    public const string MeterName = "OrleansMail.ObjectStore";

    private readonly IObjectStore _inner;
    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _duration;

    public InstrumentedObjectStore(IObjectStore inner)
    {
        _inner = inner;
        _duration = _meter.CreateHistogram<double>("orleansmail.objectstore.duration", unit: "ms", description: "Object-store call latency");
    }

    public Task<bool> CreateAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        TimeAsync("create", () => _inner.CreateAsync(name, content, metadata, cancellationToken));

    public Task<string> ReplaceAsync(string name, Stream content, string ifMatch, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        TimeAsync("replace", () => _inner.ReplaceAsync(name, content, ifMatch, metadata, cancellationToken));

    public Task<StoredObject?> ReadAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default) =>
        TimeAsync(range is null ? "read" : "ranged_read", () => _inner.ReadAsync(name, range, cancellationToken));

    public Task<ObjectProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default) =>
        TimeAsync("properties", () => _inner.GetPropertiesAsync(name, cancellationToken));

    public Task<ObjectPage> ListAsync(string prefix, string? continuation = null, int pageSize = 1000, CancellationToken cancellationToken = default) =>
        TimeAsync("list", () => _inner.ListAsync(prefix, continuation, pageSize, cancellationToken));

    public Task<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        TimeAsync("delete", () => _inner.DeleteAsync(name, ifMatch, cancellationToken));

    public Task<bool> SetStorageClassAsync(string name, StorageClass storageClass, CancellationToken cancellationToken = default) =>
        TimeAsync("set_class", () => _inner.SetStorageClassAsync(name, storageClass, cancellationToken));

    public void Dispose() => _meter.Dispose();

    private async Task<T> TimeAsync<T>(string operation, Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ObjectStoreUnavailableException)
        {
            outcome = "unavailable";
            throw;
        }
        catch (ObjectConditionFailedException)
        {
            outcome = "condition_failed";
            throw;
        }
        finally
        {
            _duration.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
