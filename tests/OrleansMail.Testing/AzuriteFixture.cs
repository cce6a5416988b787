using Xunit;

namespace OrleansMail.Testing;

/// <summary>One Azurite for a test collection; each test class takes its own containers.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
