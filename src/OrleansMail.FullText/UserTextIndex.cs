using System.Collections.Concurrent;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Search;
using Directory = Lucene.Net.Store.Directory;

namespace OrleansMail.FullText;

/// <summary>
/// One user's Lucene index in a folder on the silo's disk (docs/architecture.md, "Full-text search"): a document
/// per body, its words folded as <see cref="TextFolding"/> cuts them, so a SEARCH substring is found by word
/// patterns and never missed. Thread-safe: the user's grain writes and searches while a fill adds from the bodies.
/// </summary>
public sealed class UserTextIndex : IDisposable
{
    internal const string IdValues = "idv";
    private const string IdTerm = "id";
    private const string BodyWords = "b";
    private const string HeaderWords = "h";
    private const string EnvelopeWords = "e";
    private const string Partial = "p";
    private const string Fuzzy = "t";
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private static readonly FieldType WordsOnly = Frozen(new FieldType
    {
        IsIndexed = true,
        IsTokenized = true,
        OmitNorms = true,
        IndexOptions = IndexOptions.DOCS_ONLY,
    });

    private readonly Directory _directory;
    private readonly Analyzer _analyzer;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly ConcurrentDictionary<Guid, byte> _indexed = new();
    private long _changes;

    private UserTextIndex(string path, FullTextOptions options)
    {
        Path = path;
        System.IO.Directory.CreateDirectory(path);

        // One writer per user is the grain's promise (single activation), so Lucene's own lock file adds nothing
        // but a stale lock after a crash.
        _directory = FSDirectory.Open(new DirectoryInfo(path), NoLockFactory.GetNoLockFactory());
        _analyzer = FuzzyAnalyzers.Create(options.Analyzer);
        var config = new IndexWriterConfig(Version, _analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            RAMBufferSizeMB = options.BufferMegabytes,
        };
        _writer = new IndexWriter(_directory, config);
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, searcherFactory: null);
        foreach (var id in Collect(new MatchAllDocsQuery(), scores: false).Found)
        {
            _indexed[id] = 0;
        }
    }

    public string Path { get; }

    /// <summary>Bodies the index holds.</summary>
    public int Count => _indexed.Count;

    /// <summary>Changes (adds, removals) since the index was opened: a checkpoint commits when this moved.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Opens the index in <paramref name="path"/> (made empty when there is none, or when what is there cannot be read).</summary>
    public static UserTextIndex Open(string path, FullTextOptions options)
    {
        try
        {
            return new UserTextIndex(path, options);
        }
        catch (Exception e) when (e is IOException or CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or InvalidOperationException)
        {
            // A cache: anything unreadable is dropped and filled again from the bodies.
            Clear(path);
            return new UserTextIndex(path, options);
        }
    }

    /// <summary>Deletes an index folder and everything in it.</summary>
    public static void Clear(string path)
    {
        if (System.IO.Directory.Exists(path))
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
    }

    public bool Contains(Guid bodyId) => _indexed.ContainsKey(bodyId);

    /// <summary>The bodies indexed now (a copy).</summary>
    public IReadOnlyCollection<Guid> Bodies => [.. _indexed.Keys];

    /// <summary>Bytes the index takes on disk.</summary>
    public long Bytes
    {
        get
        {
            long total = 0;
            foreach (var file in new DirectoryInfo(Path).EnumerateFiles())
            {
                total += file.Length;
            }

            return total;
        }
    }

    /// <summary>Indexes a body (again: the document is replaced).</summary>
    public void Add(Guid bodyId, SearchableText text)
    {
        _writer.UpdateDocument(new Term(IdTerm, Key(bodyId)), Document(bodyId, text));
        _indexed[bodyId] = 0;
        Interlocked.Increment(ref _changes);
    }

    public void Remove(Guid bodyId)
    {
        if (_indexed.TryRemove(bodyId, out _))
        {
            _writer.DeleteDocuments(new Term(IdTerm, Key(bodyId)));
            Interlocked.Increment(ref _changes);
        }
    }

    /// <summary>What the index says of one text key; null when it cannot narrow it (no word in the needle): every body is then a candidate.</summary>
    public TextHits? Find(TextCriterion criterion)
    {
        Query query;
        bool exact;
        var classes = Classes(criterion.Field);
        if (criterion.Field == TextScope.Header && criterion.Needle.Length == 0)
        {
            // HEADER name "" asks whether the field is there at all (RFC 3501 §6.4.4).
            query = new TermQuery(new Term(HeaderWords, FieldName(criterion.HeaderName) + SearchableText.FieldSeparator));
            exact = true;
        }
        else
        {
            var needle = TextFolding.Needle(criterion.Needle);
            if (needle.Words.Count == 0 || needle.TooLong || (criterion.HeaderName?.Length ?? 0) > TextFolding.MaxWordLength)
            {
                // No word to look for, or a field name no indexed field has (longer ones are marked partial).
                return null;
            }

            var any = new BooleanQuery();
            foreach (var (field, prefix) in Targets(criterion))
            {
                var all = new BooleanQuery();
                foreach (var pattern in Patterns(needle))
                {
                    all.Add(Pattern(field, prefix, pattern), Occur.MUST);
                }

                any.Add(all, Occur.SHOULD);
            }

            query = any;
            exact = needle.IsOneWord;
        }

        var hits = Collect(query, scores: false).Found;
        var partial = new BooleanQuery();
        foreach (var c in classes)
        {
            partial.Add(new TermQuery(new Term(Partial, c)), Occur.SHOULD);
        }

        var unsure = Collect(partial, scores: false).Found;
        if (exact)
        {
            unsure.ExceptWith(hits);
            return new TextHits(hits, unsure);
        }

        unsure.UnionWith(hits);
        return new TextHits(new HashSet<Guid>(), unsure);
    }

    /// <summary>Fuzzy search (RFC 6203) in the analyzed text: each word of <paramref name="text"/> within an edit or two; scores by Lucene's relevance.</summary>
    public Dictionary<Guid, float> FindFuzzy(string text)
    {
        var query = new BooleanQuery();
        using (var stream = _analyzer.GetTokenStream(Fuzzy, text))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken() && query.Clauses.Count < 32)
            {
                var word = term.ToString();
                var edits = word.Length >= 6 ? 2 : word.Length >= 3 ? 1 : 0;
                query.Add(new FuzzyQuery(new Term(Fuzzy, word), edits), Occur.SHOULD);
            }

            stream.End();
        }

        return query.Clauses.Count == 0 ? [] : Collect(query, scores: true).Scores;
    }

    /// <summary>Commits what was written to the silo's disk with <paramref name="data"/> and names the files of that commit.</summary>
    public IndexCommitInfo Commit(IDictionary<string, string> data)
    {
        _writer.SetCommitData(data);
        _writer.Commit();
        return LastCommit(_directory) ?? throw new InvalidOperationException("no commit after commit");
    }

    /// <summary>The last commit of the index in <paramref name="path"/>, or null when there is none.</summary>
    public static IndexCommitInfo? LastCommit(string path)
    {
        if (!System.IO.Directory.Exists(path))
        {
            return null;
        }

        try
        {
            using var directory = FSDirectory.Open(new DirectoryInfo(path), NoLockFactory.GetNoLockFactory());
            return LastCommit(directory);
        }
        catch (Exception e) when (e is IOException or CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException)
        {
            return null;
        }
    }

    private static IndexCommitInfo? LastCommit(Directory directory)
    {
        if (!DirectoryReader.IndexExists(directory))
        {
            return null;
        }

        var commit = DirectoryReader.ListCommits(directory).OrderBy(c => c.Generation).Last();
        var files = commit.FileNames.Order(StringComparer.Ordinal).Select(f => (f, directory.FileLength(f))).ToList();
        return new IndexCommitInfo(commit.Generation, files, commit.UserData.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    public void Dispose()
    {
        _searchers.Dispose();

        // Not waiting for background merges: a user leaving a silo must not wait for a large merge; whatever was
        // committed stays, and the merge runs again in the next activation.
        _writer.Dispose(waitForMerges: false);
        _analyzer.Dispose();
        _directory.Dispose();
    }

    private BodyIdCollector Collect(Query query, bool scores)
    {
        _searchers.MaybeRefresh();
        var searcher = _searchers.Acquire();
        try
        {
            var collector = new BodyIdCollector(scores);
            searcher.Search(query, collector);
            return collector;
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>
    /// Each word of the needle as the pattern a message's word must match. A needle of thousands of words (the client
    /// chooses) keeps only the longest few: each is a walk of the term dictionary, and fewer words only widen the
    /// candidates, which are read.
    /// </summary>
    private static IEnumerable<string> Patterns(NeedleWords needle)
    {
        var last = needle.Words.Count - 1;
        return needle.Words
            .Select((word, i) => (i == 0 && needle.OpenStart ? "*" : "") + word + (i == last && needle.OpenEnd ? "*" : ""))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(p => p.Length)
            .Take(MaxPatternsPerNeedle);
    }

    private const int MaxPatternsPerNeedle = 8;

    private static string Key(Guid bodyId) => bodyId.ToString("N");

    private static string FieldName(string? name) => TextFolding.Fold(name ?? "");

    private static IEnumerable<(string Field, string Prefix)> Targets(TextCriterion c) => c.Field switch
    {
        TextScope.Body => [(BodyWords, "")],

        // Any header field: the pattern's separator can only meet the one between a field's name and its words.
        TextScope.Text => [(BodyWords, ""), (HeaderWords, "*" + SearchableText.FieldSeparator)],
        TextScope.Header => [(HeaderWords, Escape(FieldName(c.HeaderName)) + SearchableText.FieldSeparator)],
        _ => [(EnvelopeWords, c.Field.ToString().ToUpperInvariant() + SearchableText.FieldSeparator)],
    };

    private static string[] Classes(TextScope field) => field switch
    {
        TextScope.Body => [BodyWords],
        TextScope.Text => [BodyWords, HeaderWords],
        TextScope.Header => [HeaderWords],
        _ => [EnvelopeWords],
    };

    private static Query Pattern(string field, string prefix, string pattern)
    {
        var full = prefix + pattern;
        if (!full.Contains('*', StringComparison.Ordinal))
        {
            return new TermQuery(new Term(field, Unescape(full)));
        }

        var firstStar = full.IndexOf('*', StringComparison.Ordinal);
        if (firstStar == full.Length - 1 && !full[..firstStar].Contains('\\', StringComparison.Ordinal))
        {
            return new PrefixQuery(new Term(field, full[..firstStar]));
        }

        return new WildcardQuery(new Term(field, full));
    }

    // Field names may hold the pattern characters; words never do (letters and digits only).
    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal).Replace("?", "\\?", StringComparison.Ordinal);

    private static string Unescape(string text) => text.Replace("\\*", "*", StringComparison.Ordinal).Replace("\\?", "?", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    private static Document Document(Guid bodyId, SearchableText text)
    {
        var doc = new Document
        {
            new StringField(IdTerm, Key(bodyId), Field.Store.NO),
            new BinaryDocValuesField(IdValues, new BytesRef(bodyId.ToByteArray())),
        };

        var bodyLong = text.BodyPartial;
        var body = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in text.BodyTexts)
        {
            TextFolding.Words(part, w => body.Add(w), ref bodyLong);
        }

        var headerLong = text.HeaderPartial;
        var headers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in text.Headers)
        {
            var prefix = FieldName(name) + SearchableText.FieldSeparator;
            headers.Add(prefix);
            TextFolding.Words(value, w => headers.Add(prefix + w), ref headerLong);
        }

        var envelopeLong = text.EnvelopePartial;
        var envelope = new HashSet<string>(StringComparer.Ordinal);
        TextFolding.Words(text.Subject, w => envelope.Add("SUBJECT" + SearchableText.FieldSeparator + w), ref envelopeLong);
        foreach (var (field, value) in text.Addresses)
        {
            TextFolding.Words(value, w => envelope.Add(field + SearchableText.FieldSeparator + w), ref envelopeLong);
        }

#pragma warning disable CA2000 // the writer consumes and closes a field's token stream when it indexes the document
        doc.Add(new Field(BodyWords, new TermStream(body), WordsOnly));
        doc.Add(new Field(HeaderWords, new TermStream(headers), WordsOnly));
        doc.Add(new Field(EnvelopeWords, new TermStream(envelope), WordsOnly));
#pragma warning restore CA2000
        foreach (var (cls, partial) in new[] { (BodyWords, bodyLong), (HeaderWords, headerLong), (EnvelopeWords, envelopeLong) })
        {
            if (partial)
            {
                doc.Add(new StringField(Partial, cls, Field.Store.NO));
            }
        }

        var names = string.Join('\n', text.Addresses.Select(a => a.Value));
        doc.Add(new TextField(Fuzzy, string.Join('\n', [text.Subject, names, .. text.BodyTexts, .. text.FileNames]), Field.Store.NO));
        return doc;
    }

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }
}
