using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace OrleansMail.Hosting;

/// <summary>Ready once the host has started and this silo is an active member of its cluster: before that, users' grains cannot be placed here.</summary>
internal sealed class SiloReadiness(IHostApplicationLifetime lifetime, IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public const string Tag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("starting"));
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("stopping"));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"silo is {status}"));
    }
}
