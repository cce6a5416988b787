using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains.Storage;

/// <summary>Body GC of messages stored once for several recipients (docs/architecture.md, "Single instance").</summary>
public static class SharedCopies
{
    /// <summary>
    /// Deletes one recipient's copy, and first the shared content if no other recipient's copy is left: the last
    /// one out, looking at the others until it finds one. A copy is deleted only after its own user's grace
    /// period, long after every copy of its delivery was written, so a content is never deleted while a copy names
    /// it. The content goes before the copy, so a failure between the two leaves the copy to retry with (its
    /// tombstone stays), not a content nobody would collect. Two last ones at once may both leave the content:
    /// a leak, never a loss.
    /// </summary>
    public static async Task DeleteCopyAsync(IObjectStore store, string copyName, CancellationToken cancellationToken = default)
    {
        var content = (await store.GetPropertiesAsync(copyName, cancellationToken).ConfigureAwait(false))?.Metadata.GetValueOrDefault(SharedContent.ContentKey);
        if (content is not null && await store.GetPropertiesAsync(content, cancellationToken).ConfigureAwait(false) is { } shared && !await AnyOtherCopyAsync(store, shared, copyName, cancellationToken).ConfigureAwait(false))
        {
            await store.DeleteAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await store.DeleteAsync(copyName, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> AnyOtherCopyAsync(IObjectStore store, ObjectProperties shared, string copyName, CancellationToken cancellationToken)
    {
        foreach (var other in shared.Metadata.GetValueOrDefault(SharedContent.RecipientsKey, "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (other != copyName && await store.GetPropertiesAsync(other, cancellationToken).ConfigureAwait(false) is not null)
            {
                return true;
            }
        }

        return false;
    }
}
