using System.Globalization;

namespace OrleansMail.Index.Format;

/// <summary>Names of index objects below users/{u}/index/; never overwritten, since each carries the writer's activation id.</summary>
public static class SegmentNames
{
    public static string Log(long seq, Guid activation) => $"log-{seq.ToString("D12", CultureInfo.InvariantCulture)}-{activation:N}";

    public static string Snapshot(long seq, Guid activation) => $"snap-{seq.ToString("D12", CultureInfo.InvariantCulture)}-{activation:N}";

    /// <summary>Unique per call: a retried checkpoint at the same sequence must never collide with an earlier attempt's batch.</summary>
    public static string SummaryBatch(long seq, Guid activation) => $"sum-{seq.ToString("D12", CultureInfo.InvariantCulture)}-{activation:N}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Parses "log-{seq}-{act}"; false for anything else.</summary>
    public static bool TryParseLog(string name, out long seq, out Guid activation)
    {
        seq = 0;
        activation = Guid.Empty;
        var parts = name.Split('-');
        return parts.Length == 3 && parts[0] == "log"
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out seq)
            && Guid.TryParseExact(parts[2], "N", out activation);
    }
}
