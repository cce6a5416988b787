namespace OrleansMail.Index.Model;

/// <summary>A METADATA entry's value and the time it was set, which decides between two writers in a merge.</summary>
public sealed record MetadataValue(byte[] Value, long Stamp)
{
    public bool SameAs(MetadataValue? other) => other is not null && other.Stamp == Stamp && other.Value.AsSpan().SequenceEqual(Value);
}
