using System.Globalization;

namespace OrleansMail.Identity;

/// <summary>Body ids are GUID v7, so their creation time (and with it the hour bucket that recovery lists) is in the id itself.</summary>
public static class BodyIds
{
    public static Guid New(DateTimeOffset now) => Guid.CreateVersion7(now);

    /// <summary>
    /// The id of one recipient's copy of a message stored once for several (docs/architecture.md, "Single
    /// instance"): a GUID v7 whose version field says 8 (RFC 9562's custom version), so every reader knows from
    /// the id alone that the object holds only that recipient's trace headers and names the shared content.
    /// </summary>
    public static Guid NewShared(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(now).TryWriteBytes(bytes, bigEndian: true, out _);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>True for the ids <see cref="NewShared"/> makes.</summary>
    public static bool IsShared(Guid id) => id.Version == 8;

    /// <summary>The creation time a GUID v7 carries in its first 48 bits (Unix milliseconds).</summary>
    public static DateTimeOffset Timestamp(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long ms = 0;
        for (var i = 0; i < 6; i++)
        {
            ms = (ms << 8) | bytes[i];
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>The hour bucket ("yyyyMMddHH", UTC) a body with this id is stored under.</summary>
    public static string Bucket(Guid id) => Bucket(Timestamp(id));

    public static string Bucket(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);
}
