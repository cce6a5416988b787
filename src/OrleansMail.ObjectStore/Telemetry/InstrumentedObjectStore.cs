using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansMail.ObjectStore.Telemetry;

/// <summary>
/// Times every object-store call (meter "OrleansMail.ObjectStore") and traces it (activity source of the same
/// name), tagged by operation and outcome: each call is an operation Azure bills.
/// </summary>
public sealed class InstrumentedObjectStore : IObjectStore
{
    public const string MeterName = "OrleansMail.ObjectStore";

    public const string ActivitySourceName = "OrleansMail.ObjectStore";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly IObjectStore _inner;
    private readonly Histogram<double> _duration;

    public InstrumentedObjectStore(IObjectStore inner, IMeterFactory meters)
    {
        _inner = inner;
#pragma warning disable CA2000 // IMeterFactory owns the meters it creates and disposes them with the container
        _duration = meters.Create(MeterName).CreateHistogram<double>("orleansmail.objectstore.duration", unit: "ms", description: "Object-store call latency");
#pragma warning restore CA2000
    }

    public Task<bool> CreateAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        TimeAsync("create", name, () => _inner.CreateAsync(name, content, metadata, cancellationToken));

    public Task<string> ReplaceAsync(string name, Stream content, string ifMatch, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        TimeAsync("replace", name, () => _inner.ReplaceAsync(name, content, ifMatch, metadata, cancellationToken));

    public Task<StoredObject?> ReadAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default) =>
        TimeAsync(range is null ? "read" : "ranged_read", name, () => _inner.ReadAsync(name, range, cancellationToken));

    public Task<ObjectProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default) =>
        TimeAsync("properties", name, () => _inner.GetPropertiesAsync(name, cancellationToken));

    public Task<ObjectPage> ListAsync(string prefix, string? continuation = null, int pageSize = 1000, CancellationToken cancellationToken = default) =>
        TimeAsync("list", prefix, () => _inner.ListAsync(prefix, continuation, pageSize, cancellationToken));

    public Task<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        TimeAsync("delete", name, () => _inner.DeleteAsync(name, ifMatch, cancellationToken));

    public Task<bool> SetStorageClassAsync(string name, StorageClass storageClass, CancellationToken cancellationToken = default) =>
        TimeAsync("set_class", name, () => _inner.SetStorageClassAsync(name, storageClass, cancellationToken));

    private async Task<T> TimeAsync<T>(string operation, string name, Func<Task<T>> call)
    {
        using var activity = Source.StartActivity("objectstore " + operation, ActivityKind.Client);
        activity?.SetTag("orleansmail.object", name);
        var start = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ObjectStoreUnavailableException)
        {
            outcome = "unavailable";
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
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
