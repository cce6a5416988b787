using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansMail.Errors;
using OrleansMail.FullText;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Search;
using OrleansMail.MailStorage.Summaries;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains.FullText;

/// <summary>
/// One activation's full-text index (docs/architecture.md, "Full-text search"): loaded from the silo's disk or the
/// object store in the background, kept equal to the mail index by <see cref="Reconcile"/> (bodies it lacks are read
/// back from the store, bodies gone are removed), committed and uploaded by <see cref="PublishAsync"/>. Until it is
/// loaded, and for every message it does not hold yet, SEARCH reads the messages: the index only ever saves reads.
/// Thread-safe: the grain's turns, the load and the fill meet here.
/// </summary>
internal sealed class FullTextKeeper : IAsyncDisposable
{
    private const int MaxPending = 2000;
    private const long MaxPendingBytes = 32L * 1024 * 1024;

    private readonly string _user;
    private readonly UserObjectNames _names;
    private readonly Guid _activationId;
    private readonly IObjectStore _store;
    private readonly FullTextOptions _options;
    private readonly string _folder;
    private readonly bool _temporary;
    private readonly ILogger _log;
    private readonly MailStoreMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly MessageBodies _bodies;
    private readonly Lock _gate = new();
    private readonly List<(Guid Body, byte[] Text)> _pending = [];
    private readonly HashSet<Guid> _queued = [];

    // Bodies the store said it does not have, or that could not be indexed: not asked for again in this activation
    // (a record without its body is verify's business, not the index's; they are read by SEARCH).
    private readonly HashSet<Guid> _missing = [];
    private CancellationTokenSource _stopping = new();
    private Channel<(Guid Body, long Size)> _queue = NewQueue();
    private Task _load = Task.CompletedTask;
    private Task _fill = Task.CompletedTask;
    private UserTextIndex? _index;
    private long _pendingBytes;
    private int _fillRead;
    private long _fillStarted;

    // What the object store holds: the manifest, its ETag, and the manifest the local index descends from (whose
    // files it may name again without uploading them); null when the index started empty.
    private FullTextManifest? _manifest;
    private string? _etag;
    private FullTextManifest? _ancestor;
    private long _publishedChanges = -1;
    private long _committedChanges;
    private DateTimeOffset _publishedAt;
    private bool _overBudget;

    public FullTextKeeper(string user, UserObjectNames names, Guid activationId, IObjectStore store, FullTextOptions options, string folder, bool temporary, ILogger log, MailStoreMetrics metrics, TimeProvider time)
    {
        _user = user;
        _names = names;
        _activationId = activationId;
        _store = store;
        _options = options;
        _folder = folder;
        _temporary = temporary;
        _log = log;
        _metrics = metrics;
        _time = time;
        _bodies = new MessageBodies(store, new BodyCacheOptions { MaxBytes = 0 });
        _publishedAt = time.GetUtcNow();
    }

    /// <summary>The index once loaded; null before (SEARCH then reads every message).</summary>
    public UserTextIndex? Index => Volatile.Read(ref _index);

    public string LoadedFrom { get; private set; } = "nothing yet";

    /// <summary>Bodies the mail index names that the full-text index does not hold yet.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _queued.Count;
            }
        }
    }

    public bool Filling => !_fill.IsCompleted;

    public bool OverBudget => _overBudget;

    public string? Published => _manifest?.Commit;

    /// <summary>Starts loading: the silo's own copy when it descends from what the store names, else a download, else empty.</summary>
    public void Start()
    {
        var token = _stopping.Token;
        _load = Task.Run(async () =>
        {
            try
            {
                await LoadAsync(token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // whatever stops the load leaves the index unloaded: SEARCH reads the messages, the log says why
            catch (Exception e) when (e is not OperationCanceledException)
            {
                StoreLog.FullTextLoadFailed(_log, e, _user);
            }
#pragma warning restore CA1031
        });
    }

    /// <summary>Indexes a delivered message from the text its ingest extracted (kept until the index is loaded).</summary>
    public void Add(Guid bodyId, byte[] text)
    {
        UserTextIndex index;
        lock (_gate)
        {
            if (_index is null)
            {
                if (_pending.Count < MaxPending && _pendingBytes + text.Length <= MaxPendingBytes)
                {
                    _pending.Add((bodyId, text));
                    _pendingBytes += text.Length;
                }

                // Past the bound the message is read back from the store once the index is there.
                return;
            }

            index = _index;
        }

        if (!_overBudget)
        {
            TryAdd(index, bodyId, text);
        }
    }

    /// <summary>Indexes a delivery's text; a failure leaves the body out (the next reconcile reads it back, SEARCH reads it meanwhile).</summary>
    private void TryAdd(UserTextIndex index, Guid bodyId, byte[] text)
    {
        try
        {
            index.Add(bodyId, SearchableText.Decode(text));
            _metrics.FullTextIndexed.Add(1, new KeyValuePair<string, object?>("source", "ingest"));
        }
#pragma warning disable CA1031 // the message is saved and acknowledged by now; the index must not turn that into a failure
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            StoreLog.FullTextWorkFailed(_log, e, _user);
        }
#pragma warning restore CA1031
    }

    /// <summary>Queues one body the index should hold but got no text for (read back from the store).</summary>
    public void Enqueue(Guid bodyId, long size)
    {
        if (Index is null || _overBudget)
        {
            return; // the first reconcile after the load finds it
        }

        Reconcile(new Dictionary<Guid, long> { [bodyId] = size }, removeOthers: false);
    }

    /// <summary>
    /// Makes the index follow the mail index (<paramref name="referenced"/>: every body a record names, with its
    /// size): bodies no record names any more are removed, those it lacks are queued to be read back. Called from
    /// the grain's turns; does nothing before the index is loaded.
    /// </summary>
    public void Reconcile(IReadOnlyDictionary<Guid, long> referenced, bool removeOthers = true)
    {
        var index = Index;
        if (index is null)
        {
            return;
        }

        foreach (var body in removeOthers ? index.Bodies : [])
        {
            if (!referenced.ContainsKey(body))
            {
                index.Remove(body);
            }
        }

        if (!_overBudget && index.Bytes > _options.MaxIndexBytesPerUser)
        {
            _overBudget = true;
            StoreLog.FullTextOverBudget(_log, _user, index.Bytes);
        }

        if (_overBudget)
        {
            return;
        }

        var added = 0;
        lock (_gate)
        {
            foreach (var (body, size) in referenced)
            {
                if (!index.Contains(body) && !_missing.Contains(body) && _queued.Add(body))
                {
                    _queue.Writer.TryWrite((body, size));
                    added++;
                }
            }

            if (_queued.Count > 0 && _fill.IsCompleted)
            {
                _fillRead = 0;
                _fillStarted = Stopwatch.GetTimestamp();
                StoreLog.FullTextFilling(_log, _user, _queued.Count);
                var token = _stopping.Token;
                var queue = _queue;
                _fill = Task.Run(() => FillAsync(index, queue, token));
            }
        }

        _metrics.FullTextWaiting.Add(added);
    }

    /// <summary>
    /// Commits what changed to the silo's disk and, when <paramref name="upload"/> or the publish interval has
    /// passed, uploads the commit's new files and then the manifest naming them (<paramref name="ensureWritable"/>
    /// first: only the lease holder names a commit). Old files no manifest names any more are deleted. Called from
    /// the grain's turn, and stays on it: the lease is the grain's.
    /// </summary>
    public async Task PublishAsync(Func<Task> ensureWritable, bool upload, CancellationToken cancellationToken)
    {
        var index = Index;
        if (index is null)
        {
            return;
        }

        var changes = index.Changes;
        var due = upload || _time.GetUtcNow() - _publishedAt >= _options.PublishInterval;
        if (changes == _publishedChanges || (!due && changes == _committedChanges))
        {
            return;
        }

        var commitId = Guid.NewGuid().ToString("N");
        var commit = index.Commit(new Dictionary<string, string> { ["commit"] = commitId, ["base"] = _ancestor?.Commit ?? "" });
        _committedChanges = changes;
        if (!due)
        {
            return;
        }

        try
        {
            var known = _ancestor?.Files.ToDictionary(f => f.Name, StringComparer.Ordinal) ?? [];
            var files = new List<FullTextFile>();
            long uploaded = 0;
            var uploadedFiles = 0;
            foreach (var (name, bytes) in commit.Files)
            {
                if (known.TryGetValue(name, out var same) && same.Bytes == bytes)
                {
                    files.Add(same);
                    continue;
                }

                var objectName = $"{_names.FullTextPrefix}{_activationId:N}/{name}";
                await using (var file = File.OpenRead(Path.Combine(_folder, name)))
                {
                    await _store.CreateAsync(objectName, file, cancellationToken: cancellationToken).ConfigureAwait(true);
                }

                files.Add(new FullTextFile(name, objectName, bytes));
                uploaded += bytes;
                uploadedFiles++;
            }

            var manifest = new FullTextManifest(commitId, commit.Generation, files, index.Count);
            await ensureWritable().ConfigureAwait(true);
            string etag;
            try
            {
                etag = await manifest.WriteAsync(_store, _names, _etag, cancellationToken).ConfigureAwait(true);
            }
            catch (ObjectConditionFailedException)
            {
                // Written by an activation that has since lost the lease (this one holds it): write over it.
                var (_, current) = await FullTextManifest.ReadAsync(_store, _names, cancellationToken).ConfigureAwait(true);
                etag = await manifest.WriteAsync(_store, _names, current, cancellationToken).ConfigureAwait(true);
            }

            var previous = _manifest;
            (_manifest, _etag, _ancestor, _publishedChanges, _publishedAt) = (manifest, etag, manifest, changes, _time.GetUtcNow());
            StoreLog.FullTextPublished(_log, _user, uploadedFiles, uploaded, index.Count);
            await DeleteUnnamedAsync(previous, manifest, cancellationToken).ConfigureAwait(true);
        }
        catch (Exception e) when (e is ObjectStoreUnavailableException or MailStoreException or IOException or ObjectConditionFailedException)
        {
            StoreLog.FullTextPublishFailed(_log, e, _user);
        }
    }

    /// <summary>Drops the index and fills it again from every body (admin `fts rebuild`); the next reconcile queues them.</summary>
    public async Task ResetAsync()
    {
        await StopWorkAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _index?.Dispose();
            _index = null;
            UserTextIndex.Clear(_folder);
            _index = UserTextIndex.Open(_folder, _options);
            _ancestor = null;
            _publishedChanges = -1;
            _overBudget = false;
            LoadedFrom = "rebuild";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopWorkAsync().ConfigureAwait(false);
        _stopping.Dispose();
        lock (_gate)
        {
            _index?.Dispose();
            _index = null;
        }

        if (_temporary)
        {
            UserTextIndex.Clear(_folder);
        }
    }

    private async Task StopWorkAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_load, _fill).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // stopping: a fill that failed has nothing more to do, and the index it wrote is still whole
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (e is not OperationCanceledException)
            {
                StoreLog.FullTextWorkFailed(_log, e, _user);
            }
        }
#pragma warning restore CA1031

        lock (_gate)
        {
            _metrics.FullTextWaiting.Add(-_queued.Count);
            _queued.Clear();
            _queue = NewQueue();
            _stopping.Dispose();
            _stopping = new CancellationTokenSource();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        FullTextManifest? manifest = null;
        string? etag = null;
        string from;

        // The manifest the loaded files descend from: a publish may name its files again without uploading them.
        FullTextManifest? ancestor = null;
        try
        {
            (manifest, etag) = await FullTextManifest.ReadAsync(_store, _names, cancellationToken).ConfigureAwait(false);
            var local = UserTextIndex.LastCommit(_folder);
            if (local is not null && (manifest is null || Descends(local, manifest)))
            {
                from = "the silo's disk";
                ancestor = manifest;
            }
            else if (manifest is not null)
            {
                await DownloadAsync(manifest, cancellationToken).ConfigureAwait(false);
                from = "the object store";
                ancestor = manifest;
            }
            else
            {
                UserTextIndex.Clear(_folder);
                from = "nothing (new)";
            }
        }
        catch (Exception e) when (e is ObjectStoreUnavailableException or IOException or MailStoreException)
        {
            StoreLog.FullTextLoadFailed(_log, e, _user);
            UserTextIndex.Clear(_folder);
            from = "nothing (load failed)";
            (manifest, ancestor) = (null, null);
        }

#pragma warning disable CA2000 // owned by the keeper from here (disposed with it, or at once when stopped meanwhile)
        var index = UserTextIndex.Open(_folder, _options);
#pragma warning restore CA2000
        lock (_gate)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                index.Dispose();
                return;
            }

            foreach (var (body, text) in _pending)
            {
                TryAdd(index, body, text);
            }

            _pending.Clear();
            _pendingBytes = 0;
            (_manifest, _etag, _ancestor) = (manifest, etag, ancestor);

            // Exactly the commit the store names (its download, or the silo's copy of it, opened whole): nothing to
            // upload until something changes.
            if (ancestor is not null && UserTextIndex.LastCommit(_folder)?.Data.GetValueOrDefault("commit") == ancestor.Commit)
            {
                _publishedChanges = 0;
            }

            LoadedFrom = from;
            Volatile.Write(ref _index, index);
        }

        StoreLog.FullTextLoaded(_log, _user, from, index.Count);
    }

    private static bool Descends(IndexCommitInfo local, FullTextManifest manifest) =>
        local.Data.GetValueOrDefault("commit") == manifest.Commit || local.Data.GetValueOrDefault("base") == manifest.Commit;

    private async Task DownloadAsync(FullTextManifest manifest, CancellationToken cancellationToken)
    {
        UserTextIndex.Clear(_folder);
        Directory.CreateDirectory(_folder);
        await Parallel.ForEachAsync(manifest.Files, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (file, ct) =>
        {
            await using var stored = await _store.ReadAsync(file.Object, cancellationToken: ct).ConfigureAwait(false)
                ?? throw new IOException($"full-text file {file.Object} is missing");
            var path = Path.Combine(_folder, Path.GetFileName(file.Name));
            await using var target = File.Create(path);
            await stored.Content.CopyToAsync(target, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task DeleteUnnamedAsync(FullTextManifest? previous, FullTextManifest current, CancellationToken cancellationToken)
    {
        if (previous is null)
        {
            return;
        }

        var named = current.Files.Select(f => f.Object).ToHashSet(StringComparer.Ordinal);
        foreach (var file in previous.Files.Where(f => !named.Contains(f.Object)))
        {
            await _store.DeleteAsync(file.Object, cancellationToken: cancellationToken).ConfigureAwait(true);
        }
    }

    private async Task FillAsync(UserTextIndex index, Channel<(Guid Body, long Size)> queue, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.FillParallelism), CancellationToken = cancellationToken };
        var reader = queue.Reader;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = new List<(Guid Body, long Size)>();
            while (batch.Count < 256 && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                break;
            }

            await Parallel.ForEachAsync(batch, parallel, async (item, ct) =>
            {
                try
                {
                    if (!index.Contains(item.Body))
                    {
                        index.Add(item.Body, await ReadTextAsync(item.Body, item.Size, ct).ConfigureAwait(false));
                        _metrics.FullTextIndexed.Add(1, new KeyValuePair<string, object?>("source", "body"));
                        Interlocked.Increment(ref _fillRead);
                    }
                }
#pragma warning disable CA1031 // one body that cannot be indexed must not stop the others
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
#pragma warning restore CA1031
                {
                    // Left out: the next reconcile queues it again while a record names it, unless the store does not
                    // have it or it cannot be indexed at all (the same failure would come back at every checkpoint).
                    StoreLog.FullTextFillFailed(_log, e, _user, item.Body);
                    if (e is MailStoreException { Kind: MailStoreErrorKind.NotFound } || e is not (MailStoreException or ObjectStoreUnavailableException or IOException))
                    {
                        lock (_gate)
                        {
                            _missing.Add(item.Body);
                        }
                    }
                }
                finally
                {
                    lock (_gate)
                    {
                        _queued.Remove(item.Body);
                    }

                    _metrics.FullTextWaiting.Add(-1);
                }
            }).ConfigureAwait(false);
        }

        var elapsed = Stopwatch.GetElapsedTime(_fillStarted);
        StoreLog.FullTextFilled(_log, _user, _fillRead, elapsed.TotalSeconds);
    }

    private async Task<SearchableText> ReadTextAsync(Guid bodyId, long size, CancellationToken cancellationToken)
    {
        await using var body = await _bodies.OpenRangeAsync(_user, bodyId, 0, Math.Max(size, 1), cancellationToken).ConfigureAwait(false);
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        var (_, text) = await SummaryBuilder.BuildAsync(copy, _options.MaxTextChars, cancellationToken).ConfigureAwait(false);
        return text ?? SearchableText.Unreadable();
    }

    private static Channel<(Guid Body, long Size)> NewQueue() => Channel.CreateUnbounded<(Guid Body, long Size)>();
}
