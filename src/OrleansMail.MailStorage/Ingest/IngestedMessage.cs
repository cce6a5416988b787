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
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The summary is only wanted by a delivery; with none left, its failure does not matter.
        }

        await Spool.DisposeAsync().ConfigureAwait(false);
    }
}
