using System.Text;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Format;

/// <summary>Reads what <see cref="IndexWriter"/> writes; unknown versions and truncated data are <see cref="IndexCorruptException"/>.</summary>
public static class IndexReader
{
    public static UserIndex ReadSnapshot(Stream input)
    {
        using var r = new BinaryReader(input, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadUInt32() != IndexWriter.SnapshotMagic)
            {
                throw new IndexCorruptException("not an index snapshot");
            }

            var version = r.ReadByte();
            if (version is not (IndexWriter.SnapshotVersion or IndexWriter.MetadataSnapshotVersion))
            {
                throw new IndexCorruptException($"snapshot format {version} is newer than this build understands");
            }

            var lastUidValidity = (uint)r.Read7BitEncodedInt64();
            var subscriptions = ReadList(r, () => r.ReadString());
            var tombstones = ReadList(r, () => KeyValuePair.Create(ReadGuid(r), r.Read7BitEncodedInt64()));
            var batches = ReadList(r, () => r.ReadString());
            var keywordSets = new KeywordSets();
            var mailboxes = ReadList(r, () => ReadMailbox(r, keywordSets));
            var metadata = version == IndexWriter.MetadataSnapshotVersion
                ? ReadList(r, () => KeyValuePair.Create(new MetadataKey(ReadGuid(r), r.ReadString()), MetadataValue(r)))
                : [];
            return UserIndex.Assemble(lastUidValidity, mailboxes, subscriptions, tombstones, batches, metadata);
        }
        catch (EndOfStreamException e)
        {
            throw new IndexCorruptException("snapshot is truncated", e);
        }
    }

    public static UserIndex ReadSnapshot(byte[] bytes)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        return ReadSnapshot(ms);
    }

    private static List<T> ReadList<T>(BinaryReader r, Func<T> read)
    {
        var n = r.Read7BitEncodedInt();
        if (n < 0)
        {
            throw new IndexCorruptException("negative count");
        }

        var list = new List<T>(Math.Min(n, 1 << 16));
        for (var i = 0; i < n; i++)
        {
            list.Add(read());
        }

        return list;
    }

    private static MetadataValue MetadataValue(BinaryReader r)
    {
        var stamp = r.Read7BitEncodedInt64();
        return new MetadataValue(ReadValue(r) ?? throw new IndexCorruptException("a stored METADATA entry without a value"), stamp);
    }

    private static byte[]? ReadValue(BinaryReader r)
    {
        var length = r.Read7BitEncodedInt();
        if (length < 0)
        {
            throw new IndexCorruptException("negative length");
        }

        return length == 0 ? null : r.ReadBytes(length - 1) is { } bytes && bytes.Length == length - 1 ? bytes : throw new EndOfStreamException();
    }

    private static Guid ReadGuid(BinaryReader r)
    {
        Span<byte> b = stackalloc byte[16];
        r.BaseStream.ReadExactly(b);
        return new Guid(b);
    }

    private static MailboxState ReadMailbox(BinaryReader r, KeywordSets keywordSets)
    {
        var m = new MailboxState
        {
            Id = ReadGuid(r),
            Name = r.ReadString(),
            SpecialUse = (SpecialUse)r.ReadByte(),
            UidValidity = (uint)r.Read7BitEncodedInt64(),
            UidNext = (uint)r.Read7BitEncodedInt64(),
            HighestModSeq = (ulong)r.Read7BitEncodedInt64(),
            DeletedModSeq = (ulong)r.Read7BitEncodedInt64(),
        };
        var expunged = ReadList(r, () => new ExpungedRange((uint)r.Read7BitEncodedInt64(), (uint)r.Read7BitEncodedInt64(), (ulong)r.Read7BitEncodedInt64()));
        uint uid = 0;
        var records = ReadList(r, () =>
        {
            uid += (uint)r.Read7BitEncodedInt64();
            return ReadRecordBody(r, uid, keywordSets);
        });
        m.LoadSorted(records, expunged);
        return m;
    }

    private static MessageRecord ReadRecordBody(BinaryReader r, uint uid, KeywordSets? keywordSets = null)
    {
        var flagByte = r.ReadByte();
        var recordId = ReadGuid(r);
        var bodyId = (flagByte & 0x80) != 0 ? recordId : ReadGuid(r);
        try
        {
            return ReadRecordFields(r, uid, keywordSets, flagByte, recordId, bodyId);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // A size or date no record can hold was never written by a writer: the bytes are damaged, as a truncation is.
            throw new IndexCorruptException("a message record holds a value out of range", e);
        }
    }

    private static MessageRecord ReadRecordFields(BinaryReader r, uint uid, KeywordSets? keywordSets, byte flagByte, Guid recordId, Guid bodyId) =>
        new()
        {
            RecordId = recordId,
            BodyId = bodyId,
            Uid = uid,
            Flags = (MessageFlags)(flagByte & 0x7F),
            Keywords = ReadKeywords(r, keywordSets),
            ModSeq = (ulong)r.Read7BitEncodedInt64(),
            InternalDate = r.Read7BitEncodedInt64(),
            SaveDate = r.Read7BitEncodedInt64(),
            Size = r.Read7BitEncodedInt64(),
            SummaryBatch = r.Read7BitEncodedInt() - 1,
        };

    private static string[] ReadKeywords(BinaryReader r, KeywordSets? shared)
    {
        var keywords = ReadKeywords(r);
        return shared?.Share(keywords) ?? keywords;
    }

    private static string[] ReadKeywords(BinaryReader r)
    {
        var n = r.Read7BitEncodedInt();
        if (n == 0)
        {
            return Keywords.None;
        }

        var k = new string[n];
        for (var i = 0; i < n; i++)
        {
            k[i] = r.ReadString();
        }

        return k;
    }

    /// <summary>Reads one entry; null for an entry type this build does not know (it is skipped, never misread).</summary>
    public static JournalEntry? ReadEntry(BinaryReader r)
    {
        var type = (EntryType)r.ReadByte();
        var length = r.Read7BitEncodedInt();
        var payload = r.ReadBytes(length);
        if (payload.Length != length)
        {
            throw new EndOfStreamException();
        }

        using var ms = new MemoryStream(payload, writable: false);
        using var p = new BinaryReader(ms, Encoding.UTF8);
        var ts = p.Read7BitEncodedInt64();
        return type switch
        {
            EntryType.MailboxCreated => new MailboxCreated(ts, ReadGuid(p), p.ReadString(), (SpecialUse)p.ReadByte(), (uint)p.Read7BitEncodedInt64()),
            EntryType.MailboxRenamed => new MailboxRenamed(ts, ReadGuid(p), p.ReadString()),
            EntryType.MailboxDeleted => new MailboxDeleted(ts, ReadGuid(p)),
            EntryType.SubscriptionChanged => new SubscriptionChanged(ts, p.ReadString(), p.ReadBoolean()),
            EntryType.MessageAdded => new MessageAdded(ts, ReadGuid(p), ReadRecordBody(p, (uint)p.Read7BitEncodedInt64())),
            EntryType.FlagsChanged => new FlagsChanged(ts, ReadGuid(p), (uint)p.Read7BitEncodedInt64(), (MessageFlags)p.ReadByte(), ReadKeywords(p), (ulong)p.Read7BitEncodedInt64()),
            EntryType.MessagesExpunged => new MessagesExpunged(ts, ReadGuid(p), ReadUidSet(p), (ulong)p.Read7BitEncodedInt64()),
            EntryType.CountersRaised => new CountersRaised(ts, ReadGuid(p), (uint)p.Read7BitEncodedInt64(), (ulong)p.Read7BitEncodedInt64()),
            EntryType.TombstoneCleared => new TombstoneCleared(ts, ReadGuid(p)),
            EntryType.SummaryBatchStored => new SummaryBatchStored(ts, p.ReadString(), [.. ReadList(p, () => ReadGuid(p))]),
            EntryType.ExpungeHistoryTrimmed => new ExpungeHistoryTrimmed(ts, ReadGuid(p), (ulong)p.Read7BitEncodedInt64()),
            EntryType.SummaryBatchesDropped => new SummaryBatchesDropped(ts, [.. ReadList(p, p.ReadString)]),
            EntryType.MetadataChanged => new MetadataChanged(ts, ReadGuid(p), p.ReadString(), ReadValue(p)),
            _ => null,
        };
    }

    private static UidSet ReadUidSet(BinaryReader p) =>
        UidSet.FromRanges(ReadList(p, () => ((uint)p.Read7BitEncodedInt64(), (uint)p.Read7BitEncodedInt64())));
}
