using System.Runtime.CompilerServices;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>The record packed into 64 bytes gives back what it was given, in every order a record is built or changed in.</summary>
public sealed class MessageRecordTests
{
    [Fact]
    public void A_record_is_one_cache_line()
    {
        Assert.Equal(64, Unsafe.SizeOf<MessageRecord>());
    }

    [Fact]
    public void Record_id_is_kept_whichever_is_set_first_and_through_a_change_of_body()
    {
        Guid record = Guid.NewGuid(), body = Guid.NewGuid(), other = Guid.NewGuid();
        var a = new MessageRecord { RecordId = record, BodyId = body, Uid = 1, ModSeq = 1 };
        var b = new MessageRecord { BodyId = body, RecordId = record, Uid = 1, ModSeq = 1 };
        Assert.Equal((record, body), (a.RecordId, a.BodyId));
        Assert.Equal(a, b);

        var delivered = new MessageRecord { RecordId = body, BodyId = body, Uid = 1, ModSeq = 1 };
        Assert.Equal(body, delivered.RecordId);
        Assert.Equal(body, (delivered with { BodyId = other }).RecordId);
        Assert.Equal(other, (delivered with { BodyId = other }).BodyId);
        Assert.Equal(other, (a with { RecordId = other }).RecordId);
        Assert.Equal(body, (a with { RecordId = body }).RecordId);
        Assert.Equal(delivered, a with { RecordId = body });

        // An empty record id stays empty, though the body id is set after it.
        Assert.Equal(Guid.Empty, new MessageRecord { RecordId = Guid.Empty, BodyId = body, Uid = 1, ModSeq = 1 }.RecordId);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1_795_000_123_456L)]
    [InlineData(-62_135_596_800_000L)] // 0001-01-01
    [InlineData(253_402_300_799_999L)] // 9999-12-31T23:59:59.999
    [InlineData(MessageRecord.MaxInternalDate)]
    [InlineData(-MessageRecord.MaxInternalDate)]
    public void Internal_date_and_flags_share_a_word_without_touching_each_other(long internalDate)
    {
        var all = MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;
        var r = new MessageRecord { RecordId = Guid.NewGuid(), BodyId = Guid.NewGuid(), Uid = 7, ModSeq = ulong.MaxValue >> 1, InternalDate = internalDate, Flags = all };
        Assert.Equal((internalDate, all), (r.InternalDate, r.Flags));
        var changed = r with { Flags = MessageFlags.Seen };
        Assert.Equal((internalDate, MessageFlags.Seen), (changed.InternalDate, changed.Flags));
        var moved = changed with { InternalDate = -internalDate };
        Assert.Equal((-internalDate, MessageFlags.Seen), (moved.InternalDate, moved.Flags));
    }

    [Fact]
    public void Sizes_and_dates_out_of_a_records_range_are_refused_not_wrapped()
    {
        var r = new MessageRecord { RecordId = Guid.NewGuid(), BodyId = Guid.NewGuid(), Uid = 1, ModSeq = 1 };
        Assert.Equal(uint.MaxValue, (r with { Size = uint.MaxValue }).Size);
        Assert.Throws<ArgumentOutOfRangeException>(() => r with { Size = uint.MaxValue + 1L });
        Assert.Throws<ArgumentOutOfRangeException>(() => r with { Size = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => r with { InternalDate = MessageRecord.MaxInternalDate + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => r with { InternalDate = long.MinValue });
    }

    [Fact]
    public void Save_date_is_kept_to_the_second()
    {
        var r = new MessageRecord { RecordId = Guid.NewGuid(), BodyId = Guid.NewGuid(), Uid = 1, ModSeq = 1, SaveDate = 1_795_000_123_456 };
        Assert.Equal(1_795_000_123_000, r.SaveDate);
        Assert.Equal(0, (r with { SaveDate = -5_000 }).SaveDate);
        Assert.Equal(uint.MaxValue * 1000L, (r with { SaveDate = long.MaxValue }).SaveDate);
        Assert.Equal(-1, default(MessageRecord).SummaryBatch);
        Assert.Equal(3, (r with { SummaryBatch = 3 }).SummaryBatch);
    }
}
