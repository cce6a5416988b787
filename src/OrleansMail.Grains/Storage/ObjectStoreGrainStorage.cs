using System.Text.Json;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansMail.ObjectStore;

namespace OrleansMail.Grains.Storage;

/// <summary>
/// Grain state as JSON objects in an <see cref="IObjectStore"/>, with the store's ETags as Orleans ETags: the
/// embedded default's grain storage (Orleans ships no file-system provider). A stale ETag fails the write with
/// <see cref="InconsistentStateException"/>, exactly as the Azure blob provider does.
/// </summary>
public sealed class ObjectStoreGrainStorage(IObjectStore store, string prefix = "grainstate") : IGrainStorage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var obj = await Guard(() => store.ReadAsync(NameOf(stateName, grainId))).ConfigureAwait(false);
        if (obj is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        await using (obj.ConfigureAwait(false))
        {
            var bytes = await obj.ReadAllBytesAsync().ConfigureAwait(false);
            grainState.State = JsonSerializer.Deserialize<T>(bytes, Json) ?? Activator.CreateInstance<T>();
            grainState.ETag = obj.Properties.ETag;
            grainState.RecordExists = true;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var name = NameOf(stateName, grainId);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(grainState.State, Json);
        if (grainState.ETag is null)
        {
            if (!await Guard(() => store.CreateAsync(name, bytes)).ConfigureAwait(false))
            {
                throw new InconsistentStateException($"{name} was created by another writer", "(none)", "(exists)");
            }

            var props = await Guard(() => store.GetPropertiesAsync(name)).ConfigureAwait(false);
            grainState.ETag = props?.ETag;
        }
        else
        {
            try
            {
                grainState.ETag = await Guard(() => store.ReplaceAsync(name, new MemoryStream(bytes, writable: false), grainState.ETag)).ConfigureAwait(false);
            }
            catch (ObjectConditionFailedException e)
            {
                throw new InconsistentStateException($"{name} was changed by another writer", e) { };
            }
        }

        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await Guard(() => store.DeleteAsync(NameOf(stateName, grainId), grainState.ETag)).ConfigureAwait(false);
        }
        catch (ObjectConditionFailedException e)
        {
            throw new InconsistentStateException($"state of {grainId} was changed by another writer", e);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private string NameOf(string stateName, GrainId grainId) =>
        $"{prefix}/{Uri.EscapeDataString(stateName)}/{Uri.EscapeDataString(grainId.ToString())}";

    private static async Task<TResult> Guard<TResult>(Func<Task<TResult>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new ObjectStoreUnavailableException("grain state store failed", e);
        }
    }
}
