using System.Globalization;

namespace OrleansMail.Bench;

/// <summary>
/// Runs one measurement at several sizes or latencies and puts the figures side by side, each prefixed by the
/// point it was measured at, with the ratios that say whether a figure stays flat (sizes) or how it degrades
/// (latency) against the first point of the same run.
/// </summary>
internal static class Sweeps
{
    public static async Task<Dictionary<string, double>> OverAsync(IReadOnlyList<int> points, string prefix, Func<int, Task<Dictionary<string, double>>> measure, params string[] compared)
    {
        var figures = new Dictionary<string, double>();
        var first = new Dictionary<string, double>();
        foreach (var point in points)
        {
            Console.Error.WriteLine($"measuring at {prefix}={point}...");
            var measured = await measure(point);
            if (first.Count == 0)
            {
                first = measured;
            }

            foreach (var (name, value) in measured)
            {
                figures[$"{prefix}{point.ToString(CultureInfo.InvariantCulture)}_{name}"] = value;
            }

            if (point != points[0])
            {
                foreach (var name in compared.Where(c => measured.ContainsKey(c) && first.GetValueOrDefault(c) > 0))
                {
                    figures[$"{prefix}{point.ToString(CultureInfo.InvariantCulture)}_{name}_over_{prefix}{points[0].ToString(CultureInfo.InvariantCulture)}"] = measured[name] / first[name];
                }
            }
        }

        return figures;
    }

    public static IReadOnlyList<int> Parse(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
}
