using OrleansMail.Errors;

namespace OrleansMail.ObjectStore;

/// <summary>
/// The one translation of a store that does not answer into the error every caller reports: MailStoreException
/// with kind Unavailable, which LMTP answers 451 and IMAP NO [UNAVAILABLE] (docs/architecture.md, promise 5).
/// </summary>
public static class StoreUnavailable
{
    public const string DefaultMessage = "the message store is unavailable";

    /// <summary>Runs a store call; its <see cref="ObjectStoreUnavailableException"/> becomes <see cref="MailStoreErrorKind.Unavailable"/>.</summary>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> call, string message = DefaultMessage)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ObjectStoreUnavailableException e)
        {
            throw MailStoreException.Unavailable(message, e);
        }
    }

    public static async Task GuardAsync(Func<Task> call, string message = DefaultMessage)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (ObjectStoreUnavailableException e)
        {
            throw MailStoreException.Unavailable(message, e);
        }
    }
}
