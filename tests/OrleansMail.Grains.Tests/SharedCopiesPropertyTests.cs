using OrleansMail.Grains.Storage;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Layout;
using OrleansMail.ObjectStore.Testing;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// The GC of content stored once for several users, over random interleavings (real concurrency, a store with
/// jitter): a content is never deleted while any user's copy still names it, and the last copy to go takes it along.
/// </summary>
public sealed class SharedCopiesPropertyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_shared_content_outlives_every_copy_and_goes_with_the_last()
    {
        var store = new FaultInjectingObjectStore(new FileSystemObjectStore(Path.Combine(_folder.Path, "store")), new FaultPlan(7) { Jitter = TimeSpan.FromMilliseconds(3) });
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            var content = $"shared/msg/x/{seed}";
            var copies = Enumerable.Range(0, random.Next(2, 9)).Select(i => $"users/u{i}/msg/x/{seed}").ToList();
            await store.CreateAsync(content, new MemoryStream([1, 2, 3]), new Dictionary<string, string> { [SharedContent.RecipientsKey] = string.Join(',', copies) });

            // Some deliveries never stored their copy (a 451 the sender retried elsewhere).
            var stored = copies.Where(_ => random.Next(5) > 0).ToList();
            foreach (var copy in stored)
            {
                await store.CreateAsync(copy, new MemoryStream([9]), new Dictionary<string, string> { [SharedContent.ContentKey] = content });
            }

            // Users still holding the message keep their copy; the others collect theirs, all at once.
            var kept = stored.Where(_ => random.Next(3) == 0).ToList();
            await Task.WhenAll(stored.Except(kept).Select(c => SharedCopies.DeleteCopyAsync(store, c)));
            if (kept.Count > 0)
            {
                Assert.True(await store.GetPropertiesAsync(content) is not null, $"seed {seed}: the content went while {kept.Count} copies named it");
            }

            foreach (var copy in kept)
            {
                Assert.NotNull(await store.GetPropertiesAsync(content));
                await SharedCopies.DeleteCopyAsync(store, copy);
            }

            if (kept.Count > 0)
            {
                Assert.True(await store.GetPropertiesAsync(content) is null, $"seed {seed}: the last copy to go left the content behind");
            }
        }
    }
}
