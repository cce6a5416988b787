namespace OrleansMail.Index.Format;

/// <summary>
/// Who wrote a journal segment and what it applies to: the entries of checkpoint <see cref="Seq"/> of activation
/// <see cref="ActivationId"/>, on top of the state at checkpoint <see cref="BaseSeq"/> (the merge's common base).
/// </summary>
public sealed record SegmentHeader(Guid ActivationId, long Seq, long BaseSeq)
{
    /// <summary>The store object name of this segment: sortable by sequence, unique by activation.</summary>
    public string ObjectName => SegmentNames.Log(Seq, ActivationId);
}
