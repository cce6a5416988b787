using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// Tests that read a metric's value from the scrape run with no other test class at the same time. Every host in
/// one process creates its meters under the same names, and the OpenTelemetry SDK exports the instrument that was
/// registered first, which may be another test's host: the scrape then shows that host's value, not this one's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricValuesCollection
{
    public const string Name = "Metric values";
}
