using OrleansMail.Caching;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>The caches a silo keeps hold what their budgets say, in bytes, whatever the values are.</summary>
public sealed class ByteBudgetCacheTests
{
    [Fact]
    public void The_least_recently_used_values_go_first_and_the_bytes_never_pass_the_budget()
    {
        var cache = new ByteBudgetCache<int, byte[]>(1000, v => v.Length);
        for (var i = 0; i < 10; i++)
        {
            cache.Set(i, new byte[200]);
            Assert.InRange(cache.Bytes, 0, 1000);
        }

        Assert.Equal(new CacheUsage(1000, 5, 1000, 5), cache.Usage());
        Assert.True(cache.TryGet(5, out _)); // now the most recent
        cache.Set(10, new byte[200]);
        Assert.True(cache.TryGet(5, out _));
        Assert.False(cache.TryGet(6, out _));
    }

    [Fact]
    public void A_value_of_more_than_a_quarter_of_the_budget_is_not_kept_and_a_replaced_one_is_not_counted_twice()
    {
        var cache = new ByteBudgetCache<string, byte[]>(1000, v => v.Length);
        cache.Set("small", new byte[100]);
        cache.Set("huge", new byte[251]);
        Assert.False(cache.TryGet("huge", out _));
        cache.Set("small", new byte[50]);
        cache.TryAdd("small", new byte[200]);
        Assert.Equal(50, cache.Bytes);
        cache.Remove("small");
        Assert.Equal(new CacheUsage(0, 0, 1000, 0), cache.Usage());
    }
}
