using OrleansMail.Mail;

namespace OrleansMail.Index.Model;

/// <summary>
/// \Seen kept by the reader of another user's mailbox (as Dovecot's INDEXPVT): a server attribute of the reader's
/// index, "seen/{owner}/{mailbox}", holding the mailbox's UIDVALIDITY and the UIDs the reader has seen, so reading
/// a team folder does not mark it read for the team. A new UIDVALIDITY makes the set void.
/// </summary>
public static class PrivateSeen
{
    public const string Prefix = "seen/";

    /// <summary>
    /// Ranges one set may have: each change journals the whole set, so a reader who seen-marks every other message of
    /// a large mailbox would otherwise write megabytes per STORE. 4,096 ranges are about 25 KB.
    /// </summary>
    public const int MaxRanges = 4096;

    public static string EntryName(string owner, Guid mailbox) => $"{Prefix}{owner}/{mailbox:N}";

    public static byte[] Encode(uint uidValidity, UidSet seen)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(uidValidity);
        w.Write7BitEncodedInt(seen.Ranges.Count);
        foreach (var (first, last) in seen.Ranges)
        {
            w.Write7BitEncodedInt64(first);
            w.Write7BitEncodedInt64(last - first);
        }

        w.Flush();
        return ms.ToArray();
    }

    /// <summary>The seen UIDs stored for <paramref name="uidValidity"/>; empty when none are, or they were for another.</summary>
    public static UidSet Decode(byte[]? value, uint uidValidity)
    {
        if (value is null || value.Length < 5)
        {
            return UidSet.Empty;
        }

        using var r = new BinaryReader(new MemoryStream(value));
        if (r.ReadUInt32() != uidValidity)
        {
            return UidSet.Empty;
        }

        var count = r.Read7BitEncodedInt();
        var ranges = new List<(uint, uint)>(Math.Min(count, 1 << 16));
        for (var i = 0; i < count; i++)
        {
            var first = (uint)r.Read7BitEncodedInt64();
            ranges.Add((first, first + (uint)r.Read7BitEncodedInt64()));
        }

        return UidSet.FromRanges(ranges);
    }
}
