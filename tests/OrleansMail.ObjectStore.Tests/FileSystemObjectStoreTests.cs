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

    [Fact]
    public async Task A_lock_file_left_by_a_killed_process_is_no_object()
    {
        // Undefended: "users/u/lease.lock" was listed, and recovery read it as a body.
        await Store.CreateAsync("users/u/msg/2026112900/a", [1]);
        Directory.CreateDirectory(Path.Combine(_folder.Path, "users", "u"));
        await File.WriteAllBytesAsync(Path.Combine(_folder.Path, "users", "u", "lease.lock"), []);
        await File.WriteAllBytesAsync(Path.Combine(_folder.Path, "users", "u", "msg", "2026112900", "b.lock"), []);
        Assert.Equal(["users/u/msg/2026112900/a"], (await Store.ListAllAsync("users/u/").ToListAsync()).Select(e => e.Name));
    }

    [Fact]
    public async Task No_lock_outlives_its_writes()
    {
        // Undefended: one semaphore per object ever written stayed in a static table (207,815 after a load test).
        var writes = Enumerable.Range(0, 400).Select(async i =>
        {
            await Store.CreateAsync($"users/u/msg/{i}", [1]);
            var etag = (await Store.GetPropertiesAsync("users/u/index"))?.ETag;
            try
            {
                if (etag is null)
                {
                    await Store.CreateAsync("users/u/index", [2]);
                }
                else
                {
                    await Store.ReplaceAsync("users/u/index", new MemoryStream([3]), etag);
                }
            }
            catch (ObjectConditionFailedException)
            {
                // Another write won the race for the shared object: the contention is the point.
            }
        });
        await Task.WhenAll(writes);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CreateAsync("users/u/late", new MemoryStream([1]), cancellationToken: cancelled.Token));

        Assert.Equal(0, PathLock.GatesUnder(_folder.Path));
    }

    public void Dispose() => _folder.Dispose();
}
