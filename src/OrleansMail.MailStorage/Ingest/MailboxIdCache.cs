using System.Collections.Concurrent;
using OrleansMail.Grains.Contracts;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>
/// Mailbox ids by (user, name) for a short while, so a delivery costs one grain call instead of two. A stale id
/// is harmless: the grain refuses it (NotFound) and the delivery retries by name.
/// </summary>
internal sealed class MailboxIdCache(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string User, string Mailbox), (Guid Id, DateTimeOffset Until)> _ids = new();

    public async Task<Guid> GetAsync(string user, string mailbox, Func<Task<MailboxInfo>> lookup)
    {
        var now = time.GetUtcNow();
        if (_ids.TryGetValue((user, mailbox), out var hit) && hit.Until > now)
        {
            return hit.Id;
        }

        var info = await lookup().ConfigureAwait(false);
        if (_ids.Count >= MaxEntries)
        {
            _ids.Clear();
        }

        _ids[(user, mailbox)] = (info.Id, now + Lifetime);
        return info.Id;
    }

    public void Forget(string user, string mailbox) => _ids.TryRemove((user, mailbox), out _);
}
