using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansMail.Submission;

namespace OrleansMail.Hosting;

/// <summary>
/// Wakes the cluster's outbound sender when a silo starts: mail queued before a restart is sent without waiting for
/// the next delivery to nudge it. Every silo does it; the grain is one activation either way.
/// </summary>
internal sealed partial class OutboundQueueStart(IGrainFactory grains, SubmissionOptions options, ILogger<OutboundQueueStart> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        // The silo may still be joining its cluster when hosted services start: try for a while.
        for (var attempt = 0; attempt < 30 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<IOutboundMailGrain>(0).GetPendingCountAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt == 29)
                {
                    WakeFailed(log, e);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Could not wake the outbound sender at start; the next delivery that sends mail does")]
    private static partial void WakeFailed(ILogger logger, Exception exception);
}
