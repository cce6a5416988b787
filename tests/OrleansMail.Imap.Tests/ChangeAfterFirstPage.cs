using System.Reflection;
using OrleansMail.Grains.Contracts;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// A user grain seen through a proxy that, once the first page of a listing has come back, makes one more change
/// through the real grain before handing the page over: the mailbox changes between two pages every time, not only
/// when a concurrent writer happens to get a turn in between.
/// </summary>
public class ChangeAfterFirstPage : DispatchProxy
{
    private IUserGrain _grain = null!;
    private Func<Task> _change = null!;
    private int _pages;

    public static IUserGrain Wrap(IUserGrain grain, Func<Task> change)
    {
        var proxy = Create<IUserGrain, ChangeAfterFirstPage>();
        var self = (ChangeAfterFirstPage)(object)proxy;
        self._grain = grain;
        self._change = change;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var result = targetMethod!.Invoke(_grain, args);
        return targetMethod.Name == nameof(IUserGrain.ListMessagesAsync) && Interlocked.Increment(ref _pages) == 1
            ? ThenChangeAsync((Task<MessageListing>)result!)
            : result;
    }

    private async Task<MessageListing> ThenChangeAsync(Task<MessageListing> page)
    {
        var listing = await page.ConfigureAwait(false);
        await _change().ConfigureAwait(false);
        return listing;
    }
}
