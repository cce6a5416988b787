using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>Base of test classes that share one single-silo cluster on the embedded (file-system) store.</summary>
public abstract class EmbeddedClusterTest : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    protected MailCluster Cluster { get; private set; } = null!;

    protected string Folder => _folder.Path;

    public virtual async Task InitializeAsync() => Cluster = await MailCluster.StartAsync(StoreSetup.FileSystem(_folder));

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _folder.Dispose();
    }
}
