using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.ObjectStore.Tests;

/// <summary>The object-store tests that share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
