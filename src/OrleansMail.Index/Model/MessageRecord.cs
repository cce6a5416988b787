using OrleansMail.Mail;

namespace OrleansMail.Index.Model;

/// <summary>
/// One message in one mailbox: immutable; a change makes a new record with <c>with</c>. A value, not an object: a
/// mailbox holds its records inline in one array, with no object header and no reference per message (a million
/// messages are one array, not a million objects). Packed into 64 bytes, a cache line: the record id is kept only
/// when it differs from the body id (a copy's), the flags ride in the internal date's low byte, the save date is
/// kept in whole seconds (IMAP's precision) and the size in 32 bits (RFC 3501's).
/// </summary>
public readonly record struct MessageRecord
{
    /// <summary>The largest internal date a record holds, in Unix milliseconds (over a million years either way).</summary>
    public const long MaxInternalDate = (1L << 55) - 1;

    private readonly string[]? _keywords;

    // Null when the record id is the body id, as for every delivered or appended message; else the boxed id.
    private readonly object? _distinctRecordId;
    private readonly Guid _bodyId;
    private readonly long _internalDateAndFlags;
    private readonly uint _size;
    private readonly uint _saveDateSeconds;

    // Stored plus one, so that a default record (an array's empty slot) says -1, "no batch", as a new one does.
    private readonly int _summaryBatchPlusOne;

    public MessageRecord()
    {
    }

    /// <summary>Stable identity across merges: the body id for a delivered or appended message, new for a COPY.</summary>
    public required Guid RecordId
    {
        get => _distinctRecordId is Guid distinct ? distinct : _bodyId;
        init => _distinctRecordId = value == _bodyId ? null : value;
    }

    public required Guid BodyId
    {
        get => _bodyId;
        init
        {
            // The record id keeps its value whichever of the two is set first, and in a `with` that changes the body;
            // a record id already boxed (set first, as the snapshot reader does) keeps its box.
            var recordId = RecordId;
            _bodyId = value;
            if (recordId == value)
            {
                _distinctRecordId = null;
            }
            else if (_distinctRecordId is null)
            {
                _distinctRecordId = recordId;
            }
        }
    }

    public required uint Uid { get; init; }

    public MessageFlags Flags
    {
        get => (MessageFlags)(byte)_internalDateAndFlags;
        init => _internalDateAndFlags = (_internalDateAndFlags & ~0xFFL) | (byte)value;
    }

    /// <summary>Keywords, sorted ordinally and distinct; <see cref="Keywords.None"/> when there are none.</summary>
    public string[] Keywords { get => _keywords ?? Model.Keywords.None; init => _keywords = value; }

    public required ulong ModSeq { get; init; }

    /// <summary>IMAP INTERNALDATE, Unix milliseconds, within <see cref="MaxInternalDate"/> either way.</summary>
    public long InternalDate
    {
        get => _internalDateAndFlags >> 8;
        init
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxInternalDate, nameof(InternalDate));
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -MaxInternalDate, nameof(InternalDate));
            _internalDateAndFlags = (value << 8) | (_internalDateAndFlags & 0xFF);
        }
    }

    /// <summary>RFC 8514 SAVEDATE, Unix milliseconds, kept to the second (1970 to 2106; earlier reads as 1970).</summary>
    public long SaveDate
    {
        get => _saveDateSeconds * 1000L;
        init => _saveDateSeconds = (uint)Math.Clamp(value / 1000, 0, uint.MaxValue);
    }

    /// <summary>RFC822.SIZE: at most 4 GiB - 1, as RFC 3501's number allows and no configurable message limit exceeds.</summary>
    public long Size
    {
        get => _size;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Size));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, uint.MaxValue, nameof(Size));
            _size = (uint)value;
        }
    }

    /// <summary>
    /// Index into <see cref="UserIndex.SummaryBatches"/> as read from a snapshot or segment; -1 when none. In memory
    /// the index's per-body map (<see cref="UserIndex.SummaryBatchIndexOf"/>) is authoritative.
    /// </summary>
    public int SummaryBatch { get => _summaryBatchPlusOne - 1; init => _summaryBatchPlusOne = value + 1; }

    public bool SameFlags(MessageRecord other) => Flags == other.Flags && Keywords.AsSpan().SequenceEqual(other.Keywords);
}
