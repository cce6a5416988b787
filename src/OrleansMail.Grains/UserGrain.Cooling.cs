using Microsoft.Extensions.Logging;
using OrleansMail.Errors;
using OrleansMail.Identity;
using OrleansMail.ObjectStore;

namespace OrleansMail.Grains;

/// <summary>Hot and cool: old, large bodies move to the cheaper storage class once (docs/architecture.md, "Storage classes").</summary>
public sealed partial class UserGrain
{
    private static readonly TimeSpan CoolPassInterval = TimeSpan.FromDays(1);

    private DateTimeOffset _lastCoolPass = DateTimeOffset.MinValue;


    public async Task<int> CoolBodiesAsync()
    {
        if (_options.CoolAfter <= TimeSpan.Zero)
        {
            return 0;
        }

        _lastCoolPass = _time.GetUtcNow();
        var from = DateTimeOffset.FromUnixTimeMilliseconds(_manifest.State.CooledBefore);
        var cutoff = _time.GetUtcNow() - _options.CoolAfter;
        if (cutoff - from < CoolPassInterval)
        {
            return 0; // at most one pass (and one manifest write) a day, however often the user is activated
        }

        // Walks the index, not the store: the records know each body's size and the body id its creation time,
        // so the pass costs one operation per body moved and nothing per body left alone.
        var due = _index.Mailboxes.Values
            .SelectMany(m => m.Messages)
            .Where(r => r.Size >= _options.CoolMinBytes)
            .Select(r => r.BodyId)
            .Where(b => BodyIds.Timestamp(b) is var t && t > from && t <= cutoff)
            .Distinct()
            .ToList();
        var moved = 0;
        foreach (var body in due)
        {
            try
            {
                if (await _store.SetStorageClassAsync(_names.Body(body), StorageClass.Cool).ConfigureAwait(true))
                {
                    moved++;
                }
            }
            catch (ObjectStoreUnavailableException e)
            {
                // The watermark stays: the next pass retries from it (a body moved twice costs one more operation).
                StoreLog.CoolingStopped(_log, e, _names.User, moved);
                throw MailStoreException.Unavailable("object store unavailable", e);
            }
        }

        _manifest.State.CooledBefore = cutoff.ToUnixTimeMilliseconds();
        _checkpoints.ManifestDirty = true;
        if (moved > 0)
        {
            StoreLog.BodiesCooled(_log, _names.User, moved);
        }

        return moved;
    }

    private async Task CoolBodiesWhenDueAsync()
    {
        if (_options.CoolAfter <= TimeSpan.Zero || _time.GetUtcNow() - _lastCoolPass < CoolPassInterval)
        {
            return;
        }

        try
        {
            await CoolBodiesAsync().ConfigureAwait(true);
        }
        catch (MailStoreException e)
        {
            StoreLog.CoolingPassDeferred(_log, e, _names.User);
        }
    }
}
