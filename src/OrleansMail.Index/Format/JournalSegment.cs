using System.Buffers.Binary;
using System.Text;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;

namespace OrleansMail.Index.Format;

/// <summary>
/// A header and a run of journal entries, each framed as (length, CRC-32, entry): the format of both the store's
/// log segments and the silo's local journal file, where a torn tail after a crash is detected and dropped.
/// </summary>
public static class JournalSegment
{
    /// <summary>"OMLG".</summary>
    public const uint Magic = 0x474C4D4F;

    public const byte Version = 1;

    public static void WriteHeader(Stream output, SegmentHeader header)
    {
        using var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(header.ActivationId.ToByteArray());
        w.Write7BitEncodedInt64(header.Seq);
        w.Write7BitEncodedInt64(header.BaseSeq);
    }

    /// <summary>One framed entry, ready to append.</summary>
    public static byte[] Frame(JournalEntry entry)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            IndexWriter.WriteEntry(w, entry);
        }

        var payload = body.GetBuffer().AsSpan(0, (int)body.Length);
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.Compute(payload));
        payload.CopyTo(frame.AsSpan(8));
        return frame;
    }

    public static byte[] ToBytes(SegmentHeader header, IEnumerable<JournalEntry> entries)
    {
        using var ms = new MemoryStream();
        WriteHeader(ms, header);
        foreach (var e in entries)
        {
            ms.Write(Frame(e));
        }

        return ms.ToArray();
    }

    /// <summary>
    /// Reads a segment. A frame cut short or failing its CRC ends the read: <paramref name="torn"/> tells whether
    /// that happened (expected for a local journal after a crash, an error for a store segment).
    /// </summary>
    public static (SegmentHeader Header, List<JournalEntry> Entries) Read(Stream input, out bool torn)
    {
        using var r = new BinaryReader(input, Encoding.UTF8, leaveOpen: true);
        SegmentHeader header;
        try
        {
            if (r.ReadUInt32() != Magic)
            {
                throw new IndexCorruptException("not a journal segment");
            }

            var version = r.ReadByte();
            if (version != Version)
            {
                throw new IndexCorruptException($"journal format {version} is newer than this build understands");
            }

            header = new SegmentHeader(new Guid(r.ReadBytes(16)), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException)
        {
            throw new IndexCorruptException("journal segment header is truncated", e);
        }

        var entries = new List<JournalEntry>();
        torn = false;
        Span<byte> head = stackalloc byte[8];
        while (true)
        {
            var got = input.ReadAtLeast(head, 8, throwOnEndOfStream: false);
            if (got == 0)
            {
                break;
            }

            if (got < 8)
            {
                torn = true;
                break;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(head);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            if (length <= 0 || length > 64 << 20)
            {
                torn = true;
                break;
            }

            var payload = new byte[length];
            if (input.ReadAtLeast(payload, length, throwOnEndOfStream: false) < length || Crc32.Compute(payload) != crc)
            {
                torn = true;
                break;
            }

            var entry = ReadEntry(payload);
            if (entry is not null)
            {
                entries.Add(entry);
            }
        }

        return (header, entries);
    }

    private static JournalEntry? ReadEntry(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        return IndexReader.ReadEntry(reader);
    }

    public static (SegmentHeader Header, List<JournalEntry> Entries) Read(byte[] bytes)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        var result = Read(ms, out var torn);
        return torn ? throw new IndexCorruptException("journal segment is damaged") : result;
    }
}
