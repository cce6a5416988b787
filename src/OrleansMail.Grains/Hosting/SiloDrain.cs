using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansMail.Grains.Contracts;

namespace OrleansMail.Grains.Hosting;

/// <summary>
/// On a graceful stop (a rolling upgrade, a scale-in), moves every user active on this silo to the other active silos
/// by live migration before Orleans deactivates what is left: their sessions on other silos carry on, and the new
/// silos start from the handed-over index instead of reloading it from the store. Users that do not move within
/// <see cref="UserGrainOptions.DrainTimeout"/> end as on any stop (final checkpoint, lease released).
/// </summary>
internal sealed class SiloDrain(
    LocalUsers users,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<UserGrainOptions> options,
    ILogger<SiloDrain> log) : ILifecycleParticipant<ISiloLifecycle>
{
    // Stops first of the silo's stages: the silo still serves calls and is still a member others place grains on.
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, OnStopAsync);

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.DrainTimeout;
        var leaving = users.Snapshot();
        var targets = OtherActiveSilos();
        if (timeout <= TimeSpan.Zero || leaving.Length == 0 || targets.Length == 0)
        {
            return;
        }

        StoreLog.Draining(log, leaving.Length, targets.Length);
        var started = TimeProvider.System.GetTimestamp();
        await Task.WhenAll(leaving.Select((user, i) => AskToMoveAsync(user, targets[i % targets.Length]))).ConfigureAwait(false);

        // Only the users asked to leave are waited for: one moved here by another draining silo meanwhile ends with this one.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (leaving.Any(users.IsActive) && !deadline.IsCancellationRequested && OtherActiveSilos().Length > 0)
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }

        var left = leaving.Count(users.IsActive);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        StoreLog.Drained(log, leaving.Length - left, left, elapsed.TotalMilliseconds);
    }

    private string[] OtherActiveSilos() => [.. membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress))
        .Select(m => m.SiloAddress.ToParsableString())];

    private async Task AskToMoveAsync(string user, string target)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(user).MoveAsync(target).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            StoreLog.DrainMoveFailed(log, e, user);
        }
    }
}
