using OrleansMail.MailStorage.Search;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>
/// A spooled message ready to be delivered to any number of recipients. Its summary is computed while the first
/// copy uploads: the parse and the store round trip overlap instead of adding up.
/// </summary>
public sealed class IngestedMessage(SpooledMessage spool, Task<(MessageSummary Summary, SearchableText? Text)> parsed) : IAsyncDisposable
{
    public SpooledMessage Spool { get; } = spool;

    public Task<MessageSummary> Summary { get; } = SummaryOf(parsed);

    /// <summary>What the full-text index reads in the message (from the same parse as the summary); null when none is kept.</summary>
    public Task<SearchableText?> Text { get; } = TextOf(parsed);

    private static async Task<MessageSummary> SummaryOf(Task<(MessageSummary Summary, SearchableText? Text)> parsed) => (await parsed.ConfigureAwait(false)).Summary;

    private static async Task<SearchableText?> TextOf(Task<(MessageSummary Summary, SearchableText? Text)> parsed) => (await parsed.ConfigureAwait(false)).Text;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Summary.ConfigureAwait(false);
            await Text.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Cleanup: a failed summary was already answered (451) by the delivery that awaited it.
        catch (Exception)
        {
        }
#pragma warning restore CA1031

        await Spool.DisposeAsync().ConfigureAwait(false);
    }
}
