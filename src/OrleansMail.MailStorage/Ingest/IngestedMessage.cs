using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.MailStorage.Ingest;

/// <summary>A spooled, summarised message ready to be delivered to any number of recipients.</summary>
public sealed class IngestedMessage(SpooledMessage spool, MessageSummary summary) : IAsyncDisposable
{
    public SpooledMessage Spool { get; } = spool;

    public MessageSummary Summary { get; } = summary;

    public ValueTask DisposeAsync() => Spool.DisposeAsync();
}
