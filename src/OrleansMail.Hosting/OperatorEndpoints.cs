using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OrleansMail.Hosting;

/// <summary>What an operator's tools talk to: OpenTelemetry export, the Prometheus scrape and the container's probes.</summary>
internal static class OperatorEndpoints
{
    /// <summary>Every OrleansMail meter and activity source is named "OrleansMail.{part}".</summary>
    private const string OwnInstruments = "OrleansMail.*";

    public static void AddOperatorEndpoints(this WebApplicationBuilder builder, MailHostOptions options)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("orleansmail"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OwnInstruments, "Microsoft.Orleans", "System.Runtime");
                if (options.Telemetry.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        if (!string.IsNullOrEmpty(options.Telemetry.OtlpEndpoint) && Uri.TryCreate(options.Telemetry.OtlpEndpoint, UriKind.Absolute, out var collector))
        {
            // Traces follow a delivery from the LMTP session through ingest and the user's grain to each store call;
            // Orleans carries the context across grain calls (AddActivityPropagation on the silo).
            telemetry.WithTracing(tracing => tracing
                .AddSource(OwnInstruments, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.Telemetry.TraceSampleRatio))));
            telemetry.UseOtlpExporter(OtlpExportProtocol.Grpc, collector);
        }

        builder.Services.AddHealthChecks().AddCheck<SiloReadiness>("silo", tags: [SiloReadiness.Tag]);
        builder.Services.AddTransient<IStartupFilter>(_ => new OperatorEndpointsStartupFilter(options.Telemetry.Prometheus));
    }

    /// <summary>The HTTP pipeline; only the HTTP listener runs it (LMTP and IMAP are connection handlers).</summary>
    private sealed class OperatorEndpointsStartupFilter(bool prometheus) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Liveness: the process answers. Readiness: the silo is an active member and the listeners are up.
            app.UseHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
            app.UseHealthChecks("/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(SiloReadiness.Tag) });
            if (prometheus)
            {
                app.UseOpenTelemetryPrometheusScrapingEndpoint();
            }

            next(app);
        };
    }
}
