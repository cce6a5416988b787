using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.ObjectStore.Tests;

/// <summary>One Azurite for the test collection; each test class takes its own container.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
