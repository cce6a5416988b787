using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansMail.Grains.Cache;

namespace OrleansMail.Grains.Hosting;

/// <summary>At silo start, before grains serve calls, uploads the local journals a previous run never checkpointed.</summary>
internal sealed class ReturningNodeStartup(OrphanJournalUploader uploader, IOptions<UserGrainOptions> options, ILogger<ReturningNodeStartup> log) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ReturningNodeStartup), ServiceLifecycleStage.ApplicationServices, OnStartAsync);

    private async Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.CacheDirectory))
        {
            return;
        }

        log.LogInformation("Looking for never-checkpointed journals in {Cache}", options.Value.CacheDirectory);
        await uploader.UploadAllAsync(cancellationToken).ConfigureAwait(false);
    }
}
