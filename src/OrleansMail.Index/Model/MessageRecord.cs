using OrleansMail.Mail;

namespace OrleansMail.Index.Model;

/// <summary>
/// One message in one mailbox: immutable; a change makes a new record with <c>with</c>. A value, not an object: a
/// mailbox holds its records inline in one array, with no object header and no reference per message (a million
/// messages are one array, not a million objects).
/// </summary>
public readonly record struct MessageRecord
{
    private readonly string[]? _keywords;

    // Stored plus one, so that a default record (an array's empty slot) says -1, "no batch", as a new one does.
    private readonly int _summaryBatchPlusOne;

    public MessageRecord()
    {
    }

    /// <summary>Stable identity across merges: the body id for a delivered or appended message, new for a COPY.</summary>
    public required Guid RecordId { get; init; }

    public required Guid BodyId { get; init; }

    public required uint Uid { get; init; }

    public MessageFlags Flags { get; init; }

    /// <summary>Keywords, sorted ordinally and distinct; <see cref="Keywords.None"/> when there are none.</summary>
    public string[] Keywords { get => _keywords ?? Model.Keywords.None; init => _keywords = value; }

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
    public int SummaryBatch { get => _summaryBatchPlusOne - 1; init => _summaryBatchPlusOne = value + 1; }

    public bool SameFlags(MessageRecord other) => Flags == other.Flags && Keywords.AsSpan().SequenceEqual(other.Keywords);
}
