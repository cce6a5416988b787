using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace OrleansMail.FullText;

/// <summary>Collects the body id of every hit from doc values (no stored-field reads), with its score when asked.</summary>
internal sealed class BodyIdCollector(bool scores) : ICollector
{
    private readonly BytesRef _scratch = new();
    private BinaryDocValues? _ids;
    private Scorer? _scorer;

    public HashSet<Guid> Found { get; } = [];

    public Dictionary<Guid, float> Scores { get; } = [];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context) => _ids = context.AtomicReader.GetBinaryDocValues(UserTextIndex.IdValues);

    public void Collect(int doc)
    {
        if (_ids is null)
        {
            return;
        }

        _ids.Get(doc, _scratch);
        if (_scratch.Length != 16)
        {
            return;
        }

        var id = new Guid(_scratch.Bytes.AsSpan(_scratch.Offset, 16));
        Found.Add(id);
        if (scores && _scorer is not null)
        {
            Scores[id] = _scorer.GetScore();
        }
    }
}
