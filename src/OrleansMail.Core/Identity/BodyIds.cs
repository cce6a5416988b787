using System.Globalization;

namespace OrleansMail.Identity;

/// <summary>Body ids are GUID v7, so their creation time (and with it the hour bucket that recovery lists) is in the id itself.</summary>
public static class BodyIds
{
    public static Guid New(DateTimeOffset now) => Guid.CreateVersion7(now);

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
