using System.Text;

namespace OrleansMail.Grains.Storage;

/// <summary>Summary batches: an immutable map of body id to summary bytes, loaded on demand (docs/architecture.md, summary/).</summary>
public static class SummaryBatchCodec
{
    private const uint Magic = 0x4D55534F; // "OSUM"

    public static byte[] Encode(IReadOnlyDictionary<Guid, byte[]> summaries)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8);
        w.Write(Magic);
        w.Write((byte)1);
        w.Write7BitEncodedInt(summaries.Count);
        foreach (var (id, bytes) in summaries.OrderBy(kv => kv.Key))
        {
            w.Write(id.ToByteArray());
            w.Write7BitEncodedInt(bytes.Length);
            w.Write(bytes);
        }

        w.Flush();
        return ms.ToArray();
    }

    public static Dictionary<Guid, byte[]> Decode(byte[] data) => Decode(data, data.Length);

    /// <summary>Decodes the first <paramref name="length"/> bytes of <paramref name="data"/> (a pooled buffer may be longer).</summary>
    public static Dictionary<Guid, byte[]> Decode(byte[] data, int length)
    {
        using var r = new BinaryReader(new MemoryStream(data, 0, length, writable: false), Encoding.UTF8);
        if (r.ReadUInt32() != Magic || r.ReadByte() != 1)
        {
            throw new InvalidDataException("not a summary batch");
        }

        var n = r.Read7BitEncodedInt();
        var map = new Dictionary<Guid, byte[]>(n);
        for (var i = 0; i < n; i++)
        {
            var id = new Guid(r.ReadBytes(16));
            map[id] = r.ReadBytes(r.Read7BitEncodedInt());
        }

        return map;
    }
}
