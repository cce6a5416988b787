using OrleansMail.Index.Model;

namespace OrleansMail.Index.Merge;

/// <summary>The merged list of summary batch names, and the translation of each side's batch indexes into it.</summary>
internal sealed class BatchMap
{
    private readonly Dictionary<string, int> _positions;

    public BatchMap(List<string> names)
    {
        Names = names;
        _positions = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Names { get; }

    public MessageRecord Remap(MessageRecord record, UserIndex side)
    {
        return record with { SummaryBatch = side.SummaryBatchOf(record.BodyId) is { } name ? _positions[name] : -1 };
    }
}
