using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.It;
using Lucene.Net.Analysis.Nl;
using Lucene.Net.Analysis.Pt;
using Lucene.Net.Analysis.Ru;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Sv;
using Lucene.Net.Util;

namespace OrleansMail.FullText;

/// <summary>The language analyzers <see cref="FullTextOptions.Analyzer"/> names, from Lucene.Net.Analysis.Common.</summary>
public static class FuzzyAnalyzers
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    public static IReadOnlyList<string> Names { get; } = ["standard", "english", "german", "french", "spanish", "italian", "dutch", "portuguese", "russian", "swedish", "simple"];

    public static Analyzer Create(string name) => name.ToLowerInvariant() switch
    {
        "standard" => new StandardAnalyzer(Version),
        "english" => new EnglishAnalyzer(Version),
        "german" => new GermanAnalyzer(Version),
        "french" => new FrenchAnalyzer(Version),
        "spanish" => new SpanishAnalyzer(Version),
        "italian" => new ItalianAnalyzer(Version),
        "dutch" => new DutchAnalyzer(Version),
        "portuguese" => new PortugueseAnalyzer(Version),
        "russian" => new RussianAnalyzer(Version),
        "swedish" => new SwedishAnalyzer(Version),
        "simple" => new SimpleAnalyzer(Version),
        _ => throw new ArgumentException($"Unknown analyzer '{name}'; one of: {string.Join(", ", Names)}", nameof(name)),
    };
}
