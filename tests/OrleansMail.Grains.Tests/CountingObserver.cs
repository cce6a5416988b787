using OrleansMail.Grains.Contracts;

namespace OrleansMail.Grains.Tests;

/// <summary>A session's observer that only counts the change notifications it receives.</summary>
internal sealed class CountingObserver : IMailboxObserver
{
    private int _changes;

    public int Changes => Volatile.Read(ref _changes);

    public Task OnMailboxChangedAsync(MailboxChange change)
    {
        Interlocked.Increment(ref _changes);
        return Task.CompletedTask;
    }

    public Task OnAccountChangedAsync(AccountChange[] changes) => Task.CompletedTask;
}
