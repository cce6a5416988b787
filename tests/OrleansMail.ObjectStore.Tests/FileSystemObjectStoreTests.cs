using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.ObjectStore.Tests;

/// <summary>The contract on the file-system backend, plus what only a folder can get wrong.</summary>
public sealed class FileSystemObjectStoreTests : ObjectStoreContract, IDisposable
{
    private readonly TempFolder _folder = new();

    public FileSystemObjectStoreTests() => Store = new FileSystemObjectStore(_folder.Path);

    protected override IObjectStore Store { get; }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData(".tmp/x")]
    public async Task Names_that_could_escape_the_root_are_refused(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateAsync(name, [1]));
    }

    [Fact]
    public async Task Temp_files_never_show_in_listings()
    {
        await Store.CreateAsync("x/y", [1]);
        Assert.DoesNotContain((await Store.ListAllAsync("").ToListAsync()), e => e.Name.StartsWith(".tmp", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();
}
