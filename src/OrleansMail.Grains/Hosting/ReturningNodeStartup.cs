using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansMail.Grains.Cache;
using OrleansMail.Grains.Contracts;
using OrleansMail.Identity;

namespace OrleansMail.Grains.Hosting;

/// <summary>
/// At silo start, before grains serve calls, uploads the local journals a previous run never checkpointed; once the
/// silo is active, asks each of those users to merge them at once, wherever the user is active now (an IDLE session
/// may keep it active for days: waiting for its next activation would pass the changes by).
/// </summary>
internal sealed class ReturningNodeStartup(OrphanJournalUploader uploader, IGrainFactory grains, IOptions<UserGrainOptions> options, ILogger<ReturningNodeStartup> log) : ILifecycleParticipant<ISiloLifecycle>
{
    private List<string> _uploaded = [];

    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(ReturningNodeStartup), ServiceLifecycleStage.ApplicationServices, OnStartAsync);
        lifecycle.Subscribe(nameof(ReturningNodeStartup) + ".Merge", ServiceLifecycleStage.Active, OnActiveAsync);
    }

    private Task OnActiveAsync(CancellationToken cancellationToken)
    {
        foreach (var encoded in _uploaded)
        {
            if (UserKey.TryDecode(encoded) is { } user)
            {
                _ = MergeAsync(user);
            }
        }

        _uploaded = [];
        return Task.CompletedTask;
    }

    private async Task MergeAsync(string user)
    {
        try
        {
            var merged = await grains.GetGrain<IUserGrain>(user).MergeForeignSegmentsAsync().ConfigureAwait(false);
            StoreLog.ReturnedSegmentsMerged(log, user, merged);
        }
        catch (Exception e)
        {
            // The user's periodic scan (or its next activation) merges them instead.
            StoreLog.ReturnedSegmentsMergeRequestFailed(log, e, user);
        }
    }

    private async Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.CacheDirectory))
        {
            return;
        }

        StoreLog.LookingForOrphanJournals(log, options.Value.CacheDirectory);
        _uploaded = await uploader.UploadAllAsync(cancellationToken).ConfigureAwait(false);
    }
}
