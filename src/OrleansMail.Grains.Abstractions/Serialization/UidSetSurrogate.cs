using OrleansMail.Mail;

namespace OrleansMail.Grains.Serialization;

/// <summary>Wire form of <see cref="UidSet"/>: flat (first, last) pairs, so the core type stays free of Orleans.</summary>
[GenerateSerializer]
public struct UidSetSurrogate
{
    // Orleans' serializer generator fills surrogates through fields: a field here is the documented pattern.
#pragma warning disable CA1051
    [Id(0)]
    public uint[] Bounds;
#pragma warning restore CA1051
}

/// <summary>Converts <see cref="UidSet"/> to and from its surrogate for grain calls.</summary>
[RegisterConverter]
public sealed class UidSetConverter : IConverter<UidSet, UidSetSurrogate>
{
    public UidSet ConvertFromSurrogate(in UidSetSurrogate surrogate)
    {
        var b = surrogate.Bounds ?? [];
        var ranges = new (uint, uint)[b.Length / 2];
        for (var i = 0; i < ranges.Length; i++)
        {
            ranges[i] = (b[2 * i], b[(2 * i) + 1]);
        }

        return UidSet.FromRanges(ranges);
    }

    public UidSetSurrogate ConvertToSurrogate(in UidSet value) =>
        new() { Bounds = [.. value.Ranges.SelectMany(r => new[] { r.First, r.Last })] };
}
