using System.Text;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Format;

/// <summary>Writes snapshots and journal entries in the compact, versioned binary format that <see cref="IndexReader"/> reads.</summary>
public static class IndexWriter
{
    /// <summary>"OMSN", then the format version.</summary>
    public const uint SnapshotMagic = 0x4E534D4F;

    public const byte SnapshotVersion = 1;

    /// <summary>Version 1 followed by the METADATA entries.</summary>
    public const byte MetadataSnapshotVersion = 2;
    public const byte EntryVersion = 1;

    /// <summary>Writes a snapshot; the output is canonical (sorted), so equal indexes give equal bytes.</summary>
    public static void WriteSnapshot(Stream output, UserIndex index)
    {
        using var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        w.Write(SnapshotMagic);

        // Version 2 only when there is metadata: an index without it stays readable by builds that predate it.
        w.Write(index.Metadata.Count == 0 ? SnapshotVersion : MetadataSnapshotVersion);
        w.Write7BitEncodedInt64(index.LastUidValidity);
        w.Write7BitEncodedInt(index.Subscriptions.Count);
        foreach (var s in index.Subscriptions)
        {
            w.Write(s);
        }

        var tombstones = index.Tombstones.OrderBy(t => t.Key).ToList();
        w.Write7BitEncodedInt(tombstones.Count);
        foreach (var (body, at) in tombstones)
        {
            w.Write(body.ToByteArray());
            w.Write7BitEncodedInt64(at);
        }

        w.Write7BitEncodedInt(index.SummaryBatches.Count);
        foreach (var b in index.SummaryBatches)
        {
            w.Write(b);
        }

        var mailboxes = index.Mailboxes.Values.OrderBy(m => m.Id).ToList();
        w.Write7BitEncodedInt(mailboxes.Count);
        foreach (var m in mailboxes)
        {
            WriteMailbox(w, m, index);
        }

        if (index.Metadata.Count > 0)
        {
            w.Write7BitEncodedInt(index.Metadata.Count);
            foreach (var (key, value) in index.Metadata)
            {
                w.Write(key.MailboxId.ToByteArray());
                w.Write(key.Entry);
                w.Write7BitEncodedInt64(value.Stamp);
                WriteValue(w, value.Value);
            }
        }
    }

    public static byte[] SnapshotBytes(UserIndex index)
    {
        using var ms = new MemoryStream();
        WriteSnapshot(ms, index);
        return ms.ToArray();
    }

    private static void WriteMailbox(BinaryWriter w, MailboxState m, UserIndex index)
    {
        w.Write(m.Id.ToByteArray());
        w.Write(m.Name);
        w.Write((byte)m.SpecialUse);
        w.Write7BitEncodedInt64(m.UidValidity);
        w.Write7BitEncodedInt64(m.UidNext);
        w.Write7BitEncodedInt64((long)m.HighestModSeq);
        w.Write7BitEncodedInt64((long)m.DeletedModSeq);
        w.Write7BitEncodedInt(m.Expunged.Count);
        foreach (var r in m.Expunged)
        {
            w.Write7BitEncodedInt64(r.First);
            w.Write7BitEncodedInt64(r.Last);
            w.Write7BitEncodedInt64((long)r.ModSeq);
        }

        w.Write7BitEncodedInt(m.Messages.Count);
        uint previousUid = 0;
        foreach (var r in m.Messages)
        {
            // UIDs ascend, so deltas keep most of them to one byte.
            w.Write7BitEncodedInt64(r.Uid - previousUid);
            previousUid = r.Uid;
            WriteRecordBody(w, r, index.SummaryBatchIndexOf(r.BodyId));
        }
    }

    internal static void WriteRecord(BinaryWriter w, MessageRecord r)
    {
        w.Write7BitEncodedInt64(r.Uid);
        WriteRecordBody(w, r, r.SummaryBatch);
    }

    private static void WriteRecordBody(BinaryWriter w, MessageRecord r, int summaryBatch)
    {
        var sharesBody = r.BodyId == r.RecordId;
        w.Write((byte)((byte)r.Flags | (sharesBody ? 0x80 : 0)));
        w.Write(r.RecordId.ToByteArray());
        if (!sharesBody)
        {
            w.Write(r.BodyId.ToByteArray());
        }

        WriteKeywords(w, r.Keywords);
        w.Write7BitEncodedInt64((long)r.ModSeq);
        w.Write7BitEncodedInt64(r.InternalDate);
        w.Write7BitEncodedInt64(r.SaveDate);
        w.Write7BitEncodedInt64(r.Size);
        w.Write7BitEncodedInt(summaryBatch + 1);
    }

    /// <summary>A nullable octet string: length + 1, 0 for none.</summary>
    private static void WriteValue(BinaryWriter w, byte[]? value)
    {
        w.Write7BitEncodedInt(value is null ? 0 : value.Length + 1);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static void WriteKeywords(BinaryWriter w, string[] keywords)
    {
        w.Write7BitEncodedInt(keywords.Length);
        foreach (var k in keywords)
        {
            w.Write(k);
        }
    }

    /// <summary>Writes one entry as (type, length, payload), so a reader can skip types it does not know.</summary>
    public static void WriteEntry(BinaryWriter w, JournalEntry entry)
    {
        using var payload = new MemoryStream();
        using (var p = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            p.Write7BitEncodedInt64(entry.Timestamp);
            WritePayload(p, entry);
        }

        w.Write((byte)EntryTypeOf(entry));
        w.Write7BitEncodedInt((int)payload.Length);
        w.Write(payload.GetBuffer(), 0, (int)payload.Length);
    }

    private static EntryType EntryTypeOf(JournalEntry entry) => entry switch
    {
        MailboxCreated => EntryType.MailboxCreated,
        MailboxRenamed => EntryType.MailboxRenamed,
        MailboxDeleted => EntryType.MailboxDeleted,
        SubscriptionChanged => EntryType.SubscriptionChanged,
        MessageAdded => EntryType.MessageAdded,
        FlagsChanged => EntryType.FlagsChanged,
        MessagesExpunged => EntryType.MessagesExpunged,
        CountersRaised => EntryType.CountersRaised,
        TombstoneCleared => EntryType.TombstoneCleared,
        SummaryBatchStored => EntryType.SummaryBatchStored,
        ExpungeHistoryTrimmed => EntryType.ExpungeHistoryTrimmed,
        SummaryBatchesDropped => EntryType.SummaryBatchesDropped,
        MetadataChanged => EntryType.MetadataChanged,
        _ => throw new ArgumentException($"unknown entry {entry.GetType().Name}", nameof(entry)),
    };

    private static void WritePayload(BinaryWriter p, JournalEntry entry)
    {
        switch (entry)
        {
            case MailboxCreated e:
                p.Write(e.MailboxId.ToByteArray());
                p.Write(e.Name);
                p.Write((byte)e.SpecialUse);
                p.Write7BitEncodedInt64(e.UidValidity);
                break;
            case MailboxRenamed e:
                p.Write(e.MailboxId.ToByteArray());
                p.Write(e.Name);
                break;
            case MailboxDeleted e:
                p.Write(e.MailboxId.ToByteArray());
                break;
            case SubscriptionChanged e:
                p.Write(e.Name);
                p.Write(e.Subscribed);
                break;
            case MessageAdded e:
                p.Write(e.MailboxId.ToByteArray());
                WriteRecord(p, e.Record);
                break;
            case FlagsChanged e:
                p.Write(e.MailboxId.ToByteArray());
                p.Write7BitEncodedInt64(e.Uid);
                p.Write((byte)e.Flags);
                WriteKeywords(p, e.Keywords);
                p.Write7BitEncodedInt64((long)e.ModSeq);
                break;
            case MessagesExpunged e:
                p.Write(e.MailboxId.ToByteArray());
                WriteUidSet(p, e.Uids);
                p.Write7BitEncodedInt64((long)e.ModSeq);
                break;
            case CountersRaised e:
                p.Write(e.MailboxId.ToByteArray());
                p.Write7BitEncodedInt64(e.UidNext);
                p.Write7BitEncodedInt64((long)e.HighestModSeq);
                break;
            case TombstoneCleared e:
                p.Write(e.BodyId.ToByteArray());
                break;
            case SummaryBatchStored e:
                p.Write(e.BatchName);
                p.Write7BitEncodedInt(e.BodyIds.Length);
                foreach (var b in e.BodyIds)
                {
                    p.Write(b.ToByteArray());
                }

                break;
            case ExpungeHistoryTrimmed e:
                p.Write(e.MailboxId.ToByteArray());
                p.Write7BitEncodedInt64((long)e.DeletedModSeq);
                break;
            case SummaryBatchesDropped e:
                p.Write7BitEncodedInt(e.BatchNames.Length);
                foreach (var name in e.BatchNames)
                {
                    p.Write(name);
                }

                break;
            case MetadataChanged e:
                p.Write(e.MailboxId.ToByteArray());
                p.Write(e.Entry);
                WriteValue(p, e.Value);
                break;
        }
    }

    private static void WriteUidSet(BinaryWriter p, UidSet uids)
    {
        p.Write7BitEncodedInt(uids.Ranges.Count);
        foreach (var (first, last) in uids.Ranges)
        {
            p.Write7BitEncodedInt64(first);
            p.Write7BitEncodedInt64(last);
        }
    }
}
