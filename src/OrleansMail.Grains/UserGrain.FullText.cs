using Microsoft.Extensions.Logging;
using OrleansMail.FullText;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.FullText;
using OrleansMail.Mail;

namespace OrleansMail.Grains;

/// <summary>The user's full-text index beside the mail index (docs/architecture.md, "Full-text search").</summary>
public sealed partial class UserGrain
{
    /// <summary>Most text keys one search asks about: each is a walk of the mailbox.</summary>
    private const int MaxTextCriteria = 64;

    private FullTextKeeper? _fullText;
    private IGrainTimer? _fullTextFirstReconcile;

    private void StartFullText()
    {
        if (!_fullTextOptions.Enabled)
        {
            return;
        }

        var temporary = _cache is null;
        var folder = temporary
            ? Path.Combine(Path.GetTempPath(), "orleansmail-fts", _activationId.ToString("N"))
            : Path.Combine(_cache!.UserDirectory(_names.User), "fts");
        _fullText = new FullTextKeeper(this.GetPrimaryKeyString(), _names, _activationId, _store, _fullTextOptions, folder, temporary, _log, _metrics, _time);
        _fullText.Start();

        // The first reconcile waits for the load; later ones come with the checkpoints.
        _fullTextFirstReconcile = this.RegisterGrainTimer(FirstFullTextReconcileAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.FromMilliseconds(200),
            Period = TimeSpan.FromMilliseconds(500),
            Interleave = false,
        });
    }

    private Task FirstFullTextReconcileAsync(CancellationToken cancellationToken)
    {
        if (_fullText?.Index is not null)
        {
            ReconcileFullText();
            _fullTextFirstReconcile?.Dispose();
            _fullTextFirstReconcile = null;
        }

        return Task.CompletedTask;
    }

    private void ReconcileFullText()
    {
        if (_fullText is null)
        {
            return;
        }

        var referenced = new Dictionary<Guid, long>(_index.MessageCount);
        foreach (var mailbox in _index.Mailboxes.Values)
        {
            foreach (var record in mailbox.Messages)
            {
                referenced.TryAdd(record.BodyId, record.Size);
            }
        }

        _fullText.Reconcile(referenced);
    }

    /// <summary>At a checkpoint: follow the mail index, commit, upload when due (always when <paramref name="leaving"/>).</summary>
    private async Task CheckpointFullTextAsync(bool leaving)
    {
        if (_fullText is null)
        {
            return;
        }

        ReconcileFullText();
        await _fullText.PublishAsync(() => _lease.EnsureWritableAsync(), leaving, CancellationToken.None).ConfigureAwait(true);
    }

    private async Task StopFullTextAsync()
    {
        _fullTextFirstReconcile?.Dispose();
        if (_fullText is { } keeper)
        {
            _fullText = null;
            await keeper.DisposeAsync().ConfigureAwait(true);
        }
    }

    /// <summary>A saved message into the index: its extracted text when the delivery sent one, else read back from the body.</summary>
    private void IndexSaved(SaveRequest request)
    {
        if (_fullText is null)
        {
            return;
        }

        if (request.Text is { } text)
        {
            _fullText.Add(request.BodyId, text);
        }
        else
        {
            _fullText.Enqueue(request.BodyId, request.Size);
        }
    }

    public async Task<TextAnswer[]?> SearchTextAsync(Guid mailboxId, TextCriterion[] criteria)
    {
        if (_fullText?.Index is not { } index)
        {
            return null;
        }

        if (criteria.Length > MaxTextCriteria)
        {
            throw Errors.MailStoreException.Invalid($"at most {MaxTextCriteria} text keys in one search");
        }

        var mailbox = Mailbox(mailboxId);
        var hits = await Task.Run(() => criteria.Select(index.Find).ToArray()).ConfigureAwait(true);
        _metrics.FullTextSearches.Add(criteria.Length);
        var answers = new TextAnswer[criteria.Length];
        for (var i = 0; i < criteria.Length; i++)
        {
            var matches = new List<uint>();
            var candidates = new List<uint>();
            foreach (var record in mailbox.Messages)
            {
                if (hits[i] is not { } found || !index.Contains(record.BodyId) || found.Candidates.Contains(record.BodyId))
                {
                    candidates.Add(record.Uid);
                }
                else if (found.Matches.Contains(record.BodyId))
                {
                    matches.Add(record.Uid);
                }
            }

            answers[i] = new TextAnswer(UidSet.Of([.. matches]), UidSet.Of([.. candidates]));
        }

        return answers;
    }

    public async Task<FuzzyMatch[]?> FuzzySearchAsync(Guid mailboxId, TextScope field, string text)
    {
        if (_fullText?.Index is not { } index)
        {
            return null;
        }

        var mailbox = Mailbox(mailboxId);
        var scores = await Task.Run(() => index.FindFuzzy(text)).ConfigureAwait(true);
        _metrics.FullTextSearches.Add(1);
        if (scores.Count == 0)
        {
            return [];
        }

        var best = scores.Values.Max();
        var found = new List<FuzzyMatch>();
        foreach (var record in mailbox.Messages)
        {
            if (scores.TryGetValue(record.BodyId, out var score))
            {
                // RFC 6203 §4: 1 to 100, relative to the best match of this search.
                found.Add(new FuzzyMatch(record.Uid, Math.Clamp((int)Math.Ceiling(score / best * 100), 1, 100)));
            }
        }

        return [.. found];
    }

    public Task<FullTextStatus> GetFullTextStatusAsync()
    {
        if (_fullText is not { } keeper)
        {
            return Task.FromResult(new FullTextStatus(false, 0, 0, 0, false, null, "disabled", false));
        }

        var index = keeper.Index;
        var waiting = index is null ? _index.ReferencedBodies().Count : keeper.Waiting;
        return Task.FromResult(new FullTextStatus(true, index?.Count ?? 0, waiting, index?.Bytes ?? 0, keeper.Filling, keeper.Published, keeper.LoadedFrom, keeper.OverBudget));
    }

    public async Task<FullTextStatus> RebuildFullTextAsync()
    {
        if (_fullText is { } keeper)
        {
            StoreLog.FullTextRebuild(_log, _names.User);
            await keeper.ResetAsync().ConfigureAwait(true);
            ReconcileFullText();
        }

        return await GetFullTextStatusAsync().ConfigureAwait(true);
    }

}
