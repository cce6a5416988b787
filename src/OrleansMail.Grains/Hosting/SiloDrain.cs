using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
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
    private enum Outcome
    {
        HandedOver,
        Reloaded,
        Stayed,
    }

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

        // Only the users asked to leave are waited for: one moved here by another draining silo meanwhile ends with this one.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var watching = GiveUpWhenAloneAsync(deadline);
        var outcomes = await Task.WhenAll(leaving.Select((user, i) => MoveAsync(user, targets[i % targets.Length], deadline.Token))).ConfigureAwait(false);
        await deadline.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var stayed = outcomes.Count(o => o == Outcome.Stayed);
        var handedOver = outcomes.Count(o => o == Outcome.HandedOver);
        StoreLog.Drained(log, outcomes.Length - stayed, handedOver, stayed, elapsed.TotalMilliseconds);
    }

    /// <summary>Ends the wait once no other silo is active (they are stopping too): nobody is left to take the users in.</summary>
    private async Task GiveUpWhenAloneAsync(CancellationTokenSource deadline)
    {
        try
        {
            while (OtherActiveSilos().Length > 0)
            {
                await Task.Delay(200, deadline.Token).ConfigureAwait(false);
            }

            await deadline.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The users moved, or the drain's time is up.
        }
    }

    private SiloAddress[] OtherActiveSilos() => [.. membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress))
        .Select(m => m.SiloAddress)];

    /// <summary>
    /// Asks the user to move, waits for its activation here to end, then asks the user where it is now. That call
    /// reaches the new activation only once it has taken the hand-over in (Orleans forwards it there), so this silo
    /// does not stop (taking its messaging and its part of the grain directory along) while the hand-over is in flight.
    /// </summary>
    private async Task<Outcome> MoveAsync(string user, SiloAddress target, CancellationToken deadline)
    {
        var grain = grains.GetGrain<IUserGrain>(user);
        try
        {
            await grain.MoveAsync(target.ToParsableString()).WaitAsync(deadline).ConfigureAwait(false);
            while (users.IsActive(user))
            {
                await Task.Delay(50, deadline).ConfigureAwait(false);
            }

            // Should the hand-over have been lost, the user starts on the target like any activation, not here.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            var stats = await grain.GetStatsAsync().WaitAsync(deadline).ConfigureAwait(false);
            return stats.LoadedFrom == "migration" ? Outcome.HandedOver : Outcome.Reloaded;
        }
        catch (OperationCanceledException)
        {
            return users.IsActive(user) ? Outcome.Stayed : Outcome.Reloaded;
        }
        catch (Exception e)
        {
            StoreLog.DrainMoveFailed(log, e, user);
            return users.IsActive(user) ? Outcome.Stayed : Outcome.Reloaded;
        }
    }
}
