using System.Text;
using OrleansMail.ObjectStore.Leases;
using OrleansMail.ObjectStore.Testing;
using Xunit;

namespace OrleansMail.ObjectStore.Tests;

/// <summary>The contract every <see cref="IObjectStore"/> backend keeps; run against the file system and Azure (Azurite).</summary>
public abstract class ObjectStoreContract
{
    protected abstract IObjectStore Store { get; }

    private static Dictionary<string, string> Meta(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Create_is_once_only_and_keeps_the_first_content()
    {
        Assert.True(await Store.CreateAsync("a/b/one", "first"u8.ToArray()));
        Assert.False(await Store.CreateAsync("a/b/one", "second"u8.ToArray()));
        Assert.Equal("first", Encoding.UTF8.GetString((await Store.ReadBytesAsync("a/b/one"))!));
    }

    [Fact]
    public async Task Concurrent_creates_have_exactly_one_winner()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Store.CreateAsync("race/x", Encoding.UTF8.GetBytes("writer" + i))));
        Assert.Single(results, r => r);
        var winner = Array.IndexOf(results, true);
        Assert.Equal("writer" + winner, Encoding.UTF8.GetString((await Store.ReadBytesAsync("race/x"))!));
    }

    [Fact]
    public async Task Metadata_round_trips_including_non_ascii_values()
    {
        await Store.CreateAsync("meta/x", "body"u8.ToArray(), Meta(("mailbox", "Entwürfe/日本"), ("flags", "3")));
        var props = await Store.GetPropertiesAsync("meta/x");
        Assert.NotNull(props);
        Assert.Equal("Entwürfe/日本", props!.Metadata["mailbox"]);
        Assert.Equal(4, props.Size);
        var listed = Assert.Single((await Store.ListAsync("meta/")).Items);
        Assert.Equal("Entwürfe/日本", listed.Metadata["mailbox"]);
        Assert.Equal(4, listed.Size);
    }

    [Fact]
    public async Task Ranged_reads_return_the_asked_bytes()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        await Store.CreateAsync("range/x", data);
        await using (var part = await Store.ReadAsync("range/x", new ByteRange(100, 50)))
        {
            // The content's length is the range's: what a whole read of it takes, not the object's size.
            Assert.Equal(50, part!.ContentLength);
            Assert.Equal(data[100..150], await part.ReadAllBytesAsync());
            Assert.Equal(1000, part.Properties.Size);
        }

        await using (var tail = await Store.ReadAsync("range/x", new ByteRange(990, null)))
        {
            Assert.Equal(10, tail!.ContentLength);
            Assert.Equal(data[990..], await tail.ReadAllBytesAsync());
        }

        await using (var whole = await Store.ReadAsync("range/x"))
        {
            Assert.Equal(1000, whole!.ContentLength);
            Assert.Equal(data, await whole.ReadAllBytesAsync());
        }
    }

    [Fact]
    public async Task Missing_objects_read_as_null()
    {
        Assert.Null(await Store.ReadAsync("nope/x"));
        Assert.Null(await Store.GetPropertiesAsync("nope/x"));
        Assert.False(await Store.DeleteAsync("nope/x"));
        Assert.Empty((await Store.ListAsync("nope/")).Items);
    }

    [Fact]
    public async Task Replace_needs_the_current_etag()
    {
        await Store.CreateAsync("cond/x", "v1"u8.ToArray());
        var etag = (await Store.GetPropertiesAsync("cond/x"))!.ETag;
        var etag2 = await Store.ReplaceAsync("cond/x", new MemoryStream("v2"u8.ToArray()), etag);
        Assert.NotEqual(etag, etag2);
        await Assert.ThrowsAsync<ObjectConditionFailedException>(() => Store.ReplaceAsync("cond/x", new MemoryStream("v3"u8.ToArray()), etag));
        Assert.Equal("v2", Encoding.UTF8.GetString((await Store.ReadBytesAsync("cond/x"))!));
        await Assert.ThrowsAsync<ObjectConditionFailedException>(() => Store.ReplaceAsync("cond/missing", new MemoryStream("v"u8.ToArray()), etag));
    }

    [Fact]
    public async Task Listing_pages_in_name_order_with_opaque_continuations()
    {
        for (var i = 0; i < 25; i++)
        {
            await Store.CreateAsync($"list/p/{i:D3}", [(byte)i]);
        }

        await Store.CreateAsync("list/q/other", [1]);
        await Store.CreateAsync("list/pz", [1]);
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.ListAsync("list/p/", token, 10);
            names.AddRange(page.Items.Select(i => i.Name));
            token = page.Continuation;
            pages++;
        }
        while (token is not null);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"list/p/{i:D3}"), names);
        Assert.Equal(3, pages);
        Assert.Equal(26, (await Store.ListAllAsync("list/p").ToListAsync()).Count);
    }

    [Fact]
    public async Task Delete_honours_the_etag()
    {
        await Store.CreateAsync("del/x", "v"u8.ToArray());
        await Assert.ThrowsAsync<ObjectConditionFailedException>(() => Store.DeleteAsync("del/x", "\"stale\""));
        var etag = (await Store.GetPropertiesAsync("del/x"))!.ETag;
        Assert.True(await Store.DeleteAsync("del/x", etag));
        Assert.Null(await Store.ReadAsync("del/x"));
    }

    [Fact]
    public async Task A_large_body_is_created_once_through_staged_blocks()
    {
        var data = new byte[(6 << 20) + 123];
        new Random(1).NextBytes(data);
        Assert.True(await Store.CreateAsync("big/x", new MemoryStream(data), Meta(("size", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        Assert.False(await Store.CreateAsync("big/x", new MemoryStream(new byte[10])));
        Assert.Equal(data, await Store.ReadBytesAsync("big/x"));
    }

    [Fact]
    public async Task Injected_failures_are_typed_transient_and_write_nothing()
    {
        var plan = new FaultPlan { FailureRate = 1 };
        var faulty = new FaultInjectingObjectStore(Store, plan);
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => faulty.CreateAsync("fault/x", "v"u8.ToArray()));
        Assert.Null(await Store.ReadAsync("fault/x"));
        plan.FailureRate = 0;
        plan.FailAfterWriteRate = 1;
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => faulty.CreateAsync("fault/y", "v"u8.ToArray()));
        Assert.NotNull(await Store.ReadAsync("fault/y"));
        plan.FailAfterWriteRate = 0;
        plan.Down = true;
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => faulty.ListAsync("fault/"));
        plan.Down = false;
        Assert.Single((await faulty.ListAsync("fault/")).Items);
    }

    [Fact]
    public async Task A_lease_has_one_holder_is_renewed_and_released_cleanly()
    {
        var first = new UserLease(Store, "users/u1/lease", "silo-a", Guid.NewGuid(), TimeSpan.FromSeconds(30));
        var acquired = await first.AcquireAsync(_ => Task.FromResult(false));
        Assert.False(acquired.PreviousEndedUncleanly);
        Assert.True(first.IsValid);
        var second = new UserLease(Store, "users/u1/lease", "silo-b", Guid.NewGuid(), TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<LeaseHeldException>(() => second.AcquireAsync(_ => Task.FromResult(false)));
        await first.RenewAsync();
        await first.ReleaseAsync();
        var next = await second.AcquireAsync(_ => Task.FromResult(false));
        Assert.False(next.PreviousEndedUncleanly);
        Assert.Equal(LeaseState.Released, next.Previous!.State);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_as_an_unclean_end_and_its_old_holder_loses_it()
    {
        var zombie = new UserLease(Store, "users/u2/lease", "silo-a", Guid.NewGuid(), TimeSpan.FromSeconds(1));
        await zombie.AcquireAsync(_ => Task.FromResult(false));
        await Task.Delay(1300);
        Assert.False(zombie.IsValid);
        var next = new UserLease(Store, "users/u2/lease", "silo-b", Guid.NewGuid(), TimeSpan.FromSeconds(30));
        var acquired = await next.AcquireAsync(_ => Task.FromResult(false));
        Assert.True(acquired.PreviousEndedUncleanly);
        await Assert.ThrowsAsync<LeaseLostException>(() => zombie.RenewAsync());
    }

    [Fact]
    public async Task A_renewal_whose_answer_was_lost_keeps_the_lease()
    {
        // Undefended: the renewal had landed, the holder kept the old ETag, its next renewal got 412 and fenced
        // itself: 15 s of 451, then an unclean takeover that cost every QRESYNC client a full resync.
        var plan = new FaultPlan();
        var lease = new UserLease(new FaultInjectingObjectStore(Store, plan), "users/u5/lease", "silo-a", Guid.NewGuid(), TimeSpan.FromSeconds(30));
        await lease.AcquireAsync(_ => Task.FromResult(false));
        plan.FailAfterWriteRate = 1;
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => lease.RenewAsync());
        plan.FailAfterWriteRate = 0;
        await lease.RenewAsync();
        Assert.True(lease.IsValid);

        // Someone else's lease is still someone else's.
        await new UserLease(Store, "users/u5/lease", "silo-b", Guid.NewGuid(), TimeSpan.FromSeconds(30)).AcquireAsync(_ => Task.FromResult(true));
        await Assert.ThrowsAsync<LeaseLostException>(() => lease.RenewAsync());
    }

    [Fact]
    public async Task A_lease_left_by_an_earlier_activation_on_the_same_silo_is_taken_at_once_as_unclean()
    {
        var lost = new UserLease(Store, "users/u4/lease", "silo-a", Guid.NewGuid(), TimeSpan.FromSeconds(30));
        await lost.AcquireAsync(_ => Task.FromResult(false));
        var again = new UserLease(Store, "users/u4/lease", "silo-a", Guid.NewGuid(), TimeSpan.FromSeconds(30));
        var acquired = await again.AcquireAsync(_ => Task.FromResult(false));
        Assert.True(acquired.PreviousEndedUncleanly);
        Assert.True(again.IsValid);
        await Assert.ThrowsAsync<LeaseLostException>(() => lost.RenewAsync());
    }

    [Fact]
    public async Task A_live_lease_is_broken_only_when_membership_says_its_holder_is_dead()
    {
        var holder = new UserLease(Store, "users/u3/lease", "silo-dead", Guid.NewGuid(), TimeSpan.FromSeconds(30));
        await holder.AcquireAsync(_ => Task.FromResult(false));
        var next = new UserLease(Store, "users/u3/lease", "silo-b", Guid.NewGuid(), TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<LeaseHeldException>(() => next.AcquireAsync(s => Task.FromResult(s == "other")));
        var acquired = await next.AcquireAsync(s => Task.FromResult(s == "silo-dead"));
        Assert.True(acquired.PreviousEndedUncleanly);
        Assert.Equal("silo-dead", acquired.Previous!.HolderSilo);
    }
}
