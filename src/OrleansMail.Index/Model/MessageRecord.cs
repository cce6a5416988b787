using OrleansMail.Mail;

namespace OrleansMail.Index.Model;

/// <summary>One message in one mailbox: immutable; a change makes a new record with <c>with</c>.</summary>
public sealed record MessageRecord
{
    /// <summary>Stable identity across merges: the body id for a delivered or appended message, new for a COPY.</summary>
    public required Guid RecordId { get; init; }

    public required Guid BodyId { get; init; }

    public required uint Uid { get; init; }

    public MessageFlags Flags { get; init; }

    /// <summary>Keywords, sorted ordinally and distinct; <see cref="Keywords.None"/> when there are none.</summary>
    public string[] Keywords { get; init; } = Model.Keywords.None;

    public required ulong ModSeq { get; init; }

    /// <summary>IMAP INTERNALDATE, Unix milliseconds.</summary>
    public long InternalDate { get; init; }

    /// <summary>RFC 8514 SAVEDATE, Unix milliseconds.</summary>
    public long SaveDate { get; init; }

    public long Size { get; init; }

    /// <summary>
    /// Index into <see cref="UserIndex.SummaryBatches"/> as read from a snapshot or segment; -1 when none. In memory
    /// the index's per-body map (<see cref="UserIndex.SummaryBatchIndexOf"/>) is authoritative.
    /// </summary>
    public int SummaryBatch { get; init; } = -1;

    public bool SameFlags(MessageRecord other) => Flags == other.Flags && Keywords.AsSpan().SequenceEqual(other.Keywords);
}
