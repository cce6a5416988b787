using System.Globalization;
using System.Text.Json;

namespace OrleansMail.Bench;

/// <summary>Prints a workload's figures as a table and, when asked, writes them as JSON.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> WriteAsync(Dictionary<string, double> figures, string? jsonPath, CancellationToken cancellationToken)
    {
        var width = figures.Keys.Max(k => k.Length) + 2;
        foreach (var (name, value) in figures)
        {
            Console.WriteLine($"  {name.PadRight(width)} {value.ToString("0.##", CultureInfo.InvariantCulture),14}");
        }

        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(figures, Indented), cancellationToken);
        }

        return 0;
    }
}
