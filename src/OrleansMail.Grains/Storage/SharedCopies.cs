using OrleansMail.ObjectStore;

namespace OrleansMail.Grains.Storage;

/// <summary>Body GC of messages stored once for several recipients (docs/architecture.md, "Single instance").</summary>
public static class SharedCopies
{
    /// <summary>
    /// Deletes one recipient's copy, then the shared content if no other recipient's copy is left: the last one
    /// out, looking at the others until it finds one. A copy is deleted only after its own user's grace period,
    /// so a content is never deleted while a copy names it; two last ones at once may both leave it, a leak
    /// `verify` reports, never a loss.
    /// </summary>
    public static async Task DeleteCopyAsync(IObjectStore store, string copyName, CancellationToken cancellationToken = default)
    {
        var content = (await store.GetPropertiesAsync(copyName, cancellationToken).ConfigureAwait(false))?.Metadata.GetValueOrDefault(SharedContent.ContentKey);
        await store.DeleteAsync(copyName, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (content is null || await store.GetPropertiesAsync(content, cancellationToken).ConfigureAwait(false) is not { } shared)
        {
            return;
        }

        foreach (var other in shared.Metadata.GetValueOrDefault(SharedContent.RecipientsKey, "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (other != copyName && await store.GetPropertiesAsync(other, cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        await store.DeleteAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
