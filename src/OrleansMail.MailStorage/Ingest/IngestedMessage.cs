using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>
/// A spooled message ready to be delivered to any number of recipients. Its summary is computed while the first
/// copy uploads: the parse and the store round trip overlap instead of adding up.
/// </summary>
public sealed class IngestedMessage(SpooledMessage spool, Task<MessageSummary> summary) : IAsyncDisposable
{
    public SpooledMessage Spool { get; } = spool;

    public Task<MessageSummary> Summary { get; } = summary;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Summary.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Cleanup: a failed summary was already answered (451) by the delivery that awaited it.
        catch (Exception)
        {
        }
#pragma warning restore CA1031

        await Spool.DisposeAsync().ConfigureAwait(false);
    }
}
