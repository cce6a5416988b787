using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>The grain tests that share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "clusters";
}
