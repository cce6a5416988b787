using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace OrleansMail.FullText;

/// <summary>Terms made by <see cref="MailStorage.Search.TextFolding"/> handed to Lucene as they are: no analyzer may change them.</summary>
internal sealed class TermStream : TokenStream
{
    private readonly ICharTermAttribute _term;
    private readonly string[] _terms;
    private int _next;

    public TermStream(IEnumerable<string> terms)
    {
        _terms = [.. terms];
        _term = AddAttribute<ICharTermAttribute>();
    }

    public override bool IncrementToken()
    {
        if (_next >= _terms.Length)
        {
            return false;
        }

        ClearAttributes();
        _term.SetEmpty().Append(_terms[_next++]);
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _next = 0;
    }
}
