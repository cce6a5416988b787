using System.Globalization;
using MimeKit.Utils;

namespace OrleansMail.Sieve;

/// <summary>
/// date and currentdate (RFC 5260): one part of a date (from a header field, or the time of delivery) compared as a
/// string. A header whose date cannot be read makes the test false; "received" takes the date after its last ";".
/// </summary>
internal sealed class DateTest(SieveMatch match, string? header, string part, string? zone, bool originalZone, IReadOnlyList<string> keys) : SieveTestNode
{
    /// <summary>The date parts RFC 5260 §4.2 names.</summary>
    /// <summary>RFC 5260 §6: the occurrence of the header field to read; the first when not given.</summary>
    public (int Index, bool FromLast)? Index { get; init; }

    public static readonly string[] Parts = ["year", "month", "day", "date", "julian", "hour", "minute", "second", "time", "iso8601", "std11", "zone", "weekday"];

    public override bool Evaluate(SieveRun run)
    {
        var values = new List<string>();
        foreach (var date in Dates(run))
        {
            try
            {
                var at = originalZone ? date : zone is null ? date.ToOffset(run.LocalOffset) : date.ToOffset(ParseZone(zone));
                values.Add(Part(at, part));
            }
            catch (ArgumentOutOfRangeException)
            {
                // A date at the edge of the calendar that the zone moves past it: as unreadable as a bad one.
            }
        }

        return values.Count > 0 && run.Test(match, values, keys);
    }

    private IEnumerable<DateTimeOffset> Dates(SieveRun run)
    {
        if (header is null)
        {
            yield return run.Now;
            yield break;
        }

        // Only one occurrence counts: the first (RFC 5260 §4), or the one :index names (§6).
        if (HeaderTest.Occurrence(run.Message.HeaderValues(header), Index ?? (1, false)).FirstOrDefault() is not { } value)
        {
            yield break;
        }

        if (string.Equals(header, "received", StringComparison.OrdinalIgnoreCase))
        {
            value = value[(value.LastIndexOf(';') + 1)..];
        }

        if (DateUtils.TryParse(value, out var date))
        {
            yield return date;
        }
    }

    /// <summary>A zone as RFC 5260 writes it, "+hhmm" or "-hhmm".</summary>
    public static TimeSpan ParseZone(string zone) =>
        zone.Length == 5 && zone[0] is '+' or '-' && int.TryParse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h) && int.TryParse(zone.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && h <= 14 && m < 60
            ? (zone[0] == '-' ? -1 : 1) * new TimeSpan(h, m, 0)
            : throw new FormatException($"\"{zone}\" is not a zone like +0100");

    private static string Part(DateTimeOffset d, string part) => part switch
    {
        "year" => d.ToString("yyyy", CultureInfo.InvariantCulture),
        "month" => d.ToString("MM", CultureInfo.InvariantCulture),
        "day" => d.ToString("dd", CultureInfo.InvariantCulture),
        "date" => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "julian" => ((long)Math.Floor((d.DateTime - new DateTime(1858, 11, 17)).TotalDays)).ToString(CultureInfo.InvariantCulture),
        "hour" => d.ToString("HH", CultureInfo.InvariantCulture),
        "minute" => d.ToString("mm", CultureInfo.InvariantCulture),
        "second" => d.ToString("ss", CultureInfo.InvariantCulture),
        "time" => d.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        "iso8601" => d.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        "std11" => DateUtils.FormatDate(d),
        "zone" => (d.Offset < TimeSpan.Zero ? "-" : "+") + d.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture),
        _ => ((int)d.DayOfWeek).ToString(CultureInfo.InvariantCulture),
    };
}
