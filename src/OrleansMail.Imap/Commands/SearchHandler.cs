using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Fetch;
using OrleansMail.Imap.Protocol;

namespace OrleansMail.Imap;

/// <summary>SEARCH and UID SEARCH (RFC 3501 §6.4.4), with ESEARCH (RFC 4731), SEARCHRES (RFC 5182), WITHIN (RFC 5032) and MODSEQ (RFC 7162).</summary>
internal sealed class SearchHandler(ImapSessionContext session)
{
    public async Task<string?> SearchAsync(SearchRequest request)
    {
        RequireCharset(request.Charset);
        if (request.Charset is not null && session.Extensions.Utf8Accept)
        {
            // RFC 6855 §3: with UTF8=ACCEPT everything is UTF-8, and a CHARSET is a client error.
            throw new ImapSyntaxException("No CHARSET once UTF8=ACCEPT is enabled");
        }

        var key = new SearchMatcher(request.Program);
        if (key.UsesModSeq)
        {
            session.Extensions.EnableCondStore();
        }

        var view = session.View!;
        var found = await FindAsync(key, view).ConfigureAwait(false);
        var matches = found.Select(f => request.Uid ? f.Message.Uid : (uint)f.Sequence).ToList();
        var modSeqs = found.Select(f => f.Message.ModSeq).ToList();
        var highestModSeq = modSeqs.Count == 0 ? 0 : modSeqs.Max();
        var completed = request.Uid ? "UID SEARCH completed" : "SEARCH completed";
        // RFC 9051 §6.4.4: an IMAP4rev2 client gets ESEARCH, RETURN () meaning ALL, even without RETURN.
        if ((request.Return ?? (session.Extensions.Imap4Rev2 ? AllOnly : null)) is { } returns)
        {
            if (returns.Contains("SAVE"))
            {
                view.SavedResult = ResultToSave(returns, [.. found.Select(f => f.Message.Uid)]);
            }

            if (returns.Contains("UPDATE"))
            {
                // RFC 5267 CONTEXT=SEARCH: kept up to date until CANCELUPDATE or the mailbox is closed.
                KeepUpdated(new SearchContext(request.Tag, request.Uid, key, found.Select(f => f.Message.Uid)));
            }

            var relevancy = returns.Contains("RELEVANCY") ? found.Select(f => key.RelevancyOf(f.Message.Uid)).ToList() : null;
            EsearchResponse.Write(session.Out, request.Tag, request.Uid, returns, matches, request.Partial, key.UsesModSeq ? ReturnedModSeq(returns, matches, modSeqs) : 0, relevancy);
            return completed;
        }

        session.Out.Raw(matches.Count == 0 ? "* SEARCH" : "* SEARCH " + string.Join(' ', matches));
        if (key.UsesModSeq && matches.Count > 0)
        {
            // RFC 7162 §3.1.5: the highest modseq of the messages found.
            session.Out.Raw($" (MODSEQ {highestModSeq})");
        }

        session.Out.CrLf();
        return completed;
    }

    /// <summary>
    /// Keeps a search or sort up to date (RFC 5267), replacing one of the same tag: past
    /// <see cref="ImapOptions.MaxUpdatedContexts"/> NO [LIMIT]; past the messages they may hold
    /// (<see cref="ImapOptions.MaxContextMessages"/>, <see cref="ImapOptions.MaxSortedContextMessages"/>), the command
    /// is answered and the context not kept (NOUPDATE, RFC 5267 §4.2).
    /// </summary>
    public void KeepUpdated(SearchContext context)
    {
        var contexts = session.View!.SearchContexts;
        contexts.RemoveAll(c => c.Tag == context.Tag);
        var options = session.Options;
        if (contexts.Count >= options.MaxUpdatedContexts)
        {
            throw new ImapNoException("LIMIT", $"At most {options.MaxUpdatedContexts} searches are kept up to date at once");
        }

        int? over = contexts.Sum(c => c.Count) + context.Count > options.MaxContextMessages ? options.MaxContextMessages
            : context.Sorted is not null && contexts.Where(c => c.Sorted is not null).Sum(c => c.Count) + context.Count > options.MaxSortedContextMessages ? options.MaxSortedContextMessages
            : null;
        if (over is { } limit)
        {
            session.Out.Raw("* NO [NOUPDATE ").String(context.Tag).Raw($"] At most {limit} messages are kept up to date").CrLf();
            return;
        }

        contexts.Add(context);
    }

    /// <summary>CANCELUPDATE (RFC 5267 §4.3): a tag that names no context is NO, and nothing is cancelled.</summary>
    public Task<string?> CancelUpdateAsync(CancelUpdateRequest request)
    {
        var contexts = session.View!.SearchContexts;
        if (request.Tags.FirstOrDefault(t => !contexts.Any(c => c.Tag == t)) is { } unknown)
        {
            throw new ImapNoException("CANNOT", $"No search with tag {unknown} is being updated");
        }

        contexts.RemoveAll(c => request.Tags.Contains(c.Tag));
        return Task.FromResult<string?>("CANCELUPDATE completed");
    }

    /// <summary>
    /// RFC 5182 §2.1: SAVE with MIN or MAX and neither ALL nor COUNT saves only the messages those name (the first
    /// and last of <paramref name="uids"/>, in the order the command returns them); otherwise all it found.
    /// </summary>
    public static HashSet<uint> ResultToSave(IReadOnlySet<string> returns, IReadOnlyList<uint> uids)
    {
        if (uids.Count == 0 || returns.Contains("ALL") || returns.Contains("COUNT") || !(returns.Contains("MIN") || returns.Contains("MAX")))
        {
            return [.. uids];
        }

        var saved = new HashSet<uint>();
        if (returns.Contains("MIN"))
        {
            saved.Add(uids[0]);
        }

        if (returns.Contains("MAX"))
        {
            saved.Add(uids[^1]);
        }

        return saved;
    }

    private static readonly IReadOnlySet<string> AllOnly = new HashSet<string> { "ALL" };

    /// <summary>SEARCH, SORT and THREAD take UTF-8 and US-ASCII (its subset); anything else is NO [BADCHARSET] (RFC 3501 §6.4.4).</summary>
    public static void RequireCharset(string? charset)
    {
        if (charset is not null && !charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            throw new ImapNoException("BADCHARSET (UTF-8 US-ASCII)", "Unsupported charset");
        }
    }

    /// <summary>
    /// The messages of the view the program matches, in mailbox order, with their sequence numbers; summaries and
    /// bodies are read only when the program needs them.
    /// </summary>
    public async Task<List<(MessageView Message, int Sequence)>> FindAsync(SearchMatcher key, SelectedMailbox view, IReadOnlyCollection<uint>? among = null)
    {
        var candidates = new List<(MessageView Message, int Sequence)>(among?.Count ?? view.Count);
        if (among is null)
        {
            for (var seq = 1; seq <= view.Count; seq++)
            {
                candidates.Add((view[seq], seq));
            }
        }
        else
        {
            foreach (var uid in among.Order())
            {
                if (view.TryGet(uid, out var message))
                {
                    candidates.Add((message, view.SequenceOf(uid)));
                }
            }
        }

        var userId = session.MailboxOwner;
        var found = new List<(MessageView Message, int Sequence)>();
        await FuzzyScoresAsync(key, view).ConfigureAwait(false);
        var answers = await TextAnswersAsync(key, view, among).ConfigureAwait(false);
        if (answers is not null)
        {
            // The index decides what it can; only the messages it leaves open are read.
            var now = session.Services.Time.GetUtcNow();
            var open = new List<(MessageView Message, int Sequence)>();
            foreach (var candidate in candidates)
            {
                var verdict = key.Prejudge(new SearchSubject(candidate.Message, candidate.Sequence, view.LargestUid, view.Count, null, null, null, now, view.SavedResult, view.IsRecent(candidate.Message.Uid)), answers);
                if (verdict == Verdict.Yes)
                {
                    found.Add(candidate);
                }
                else if (verdict == Verdict.Unknown)
                {
                    open.Add(candidate);
                }
            }

            candidates = open;
        }

        var prefetch = new BodyPrefetch(session.Services.Bodies, userId);
        var needs = key.Needs;
        var need = needs.HasFlag(SearchNeeds.Body) ? BodyNeed.Whole : needs.HasFlag(SearchNeeds.Header) ? BodyNeed.Header : BodyNeed.None;
        foreach (var chunk in candidates.Chunk(BodyPrefetch.SummaryChunk))
        {
            var messages = chunk.Select(c => c.Message).ToList();
            var summaries = needs != SearchNeeds.None ? await session.Services.Summaries.GetAsync(userId, messages.Select(m => (m.BodyId, m.Size)).ToList()).ConfigureAwait(false) : null;
            await foreach (var (index, data) in prefetch.LoadAsync(messages, summaries, need).ConfigureAwait(false))
            {
                var message = messages[index];
                var body = need == BodyNeed.Whole ? data ?? await prefetch.ReadRangeAsync(message, 0, message.Size).ConfigureAwait(false) : null;
                var header = need == BodyNeed.Header ? data : body;
                var subject = new SearchSubject(message, chunk[index].Sequence, view.LargestUid, view.Count, summaries?[index], header, body, session.Services.Time.GetUtcNow(), view.SavedResult, view.IsRecent(message.Uid));
                if (key.Matches(subject))
                {
                    found.Add(chunk[index]);
                }
            }
        }

        if (answers is not null)
        {
            found.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        }

        return found;
    }

    /// <summary>
    /// Messages a search is asked about one by one (a kept search told of new mail, RFC 5267) are read rather than
    /// asked of the index: the index's answer walks the whole mailbox.
    /// </summary>
    private const int FewToRead = 64;

    private const int MaxFuzzyKeys = 8;

    /// <summary>What the index finds for each FUZZY key (RFC 6203); without an index a FUZZY key matches exactly.</summary>
    private async Task FuzzyScoresAsync(SearchMatcher key, SelectedMailbox view)
    {
        if (!session.Options.UseFullTextIndex)
        {
            return;
        }

        // Each is a query of its own: past a few, FUZZY keys match exactly (RFC 6203 leaves the fuzziness to the server).
        foreach (var (fuzzy, criterion) in key.FuzzyKeys.Take(MaxFuzzyKeys))
        {
            if (!key.FuzzyScores.ContainsKey(fuzzy) && await session.MailboxGrain.FuzzySearchAsync(view.Id, criterion.Field, criterion.Needle).ConfigureAwait(false) is { } found)
            {
                key.FuzzyScores[fuzzy] = found.ToDictionary(f => f.Uid, f => f.Relevancy);
            }
        }
    }

    /// <summary>
    /// The full-text index's answers for the program's text keys (docs/architecture.md, "Full-text search"); null
    /// when there are none to ask about, the index is off, or it cannot be reached (then every message is read).
    /// </summary>
    private async Task<Dictionary<SearchKey, TextAnswer>?> TextAnswersAsync(SearchMatcher key, SelectedMailbox view, IReadOnlyCollection<uint>? among)
    {
        if (key.TextKeys.Count == 0 || !session.Options.UseFullTextIndex || among is { Count: <= FewToRead })
        {
            return null;
        }

        TextAnswer[]? answers;
        try
        {
            answers = await session.MailboxGrain.SearchTextAsync(view.Id, [.. key.TextKeys.Select(k => k.Criterion)]).ConfigureAwait(false);
        }
        catch (Errors.MailStoreException e) when (e.Kind is Errors.MailStoreErrorKind.Invalid)
        {
            return null;
        }

        if (answers is null || answers.Length != key.TextKeys.Count)
        {
            return null;
        }

        var byKey = new Dictionary<SearchKey, TextAnswer>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < answers.Length; i++)
        {
            byKey[key.TextKeys[i].Key] = answers[i];
        }

        return byKey;
    }

    /// <summary>
    /// The MODSEQ an ESEARCH answer carries (RFC 7162 §3.1.5 with RFC 4731): the highest of the messages it returns:
    /// with only MIN and/or MAX, of those one or two; with ALL or COUNT, of every match.
    /// </summary>
    private static ulong ReturnedModSeq(IReadOnlySet<string> returns, List<uint> matches, List<ulong> modSeqs)
    {
        if (matches.Count == 0)
        {
            return 0;
        }

        if (returns.Contains("ALL") || returns.Contains("COUNT") || !(returns.Contains("MIN") || returns.Contains("MAX")))
        {
            return modSeqs.Max();
        }

        // Matches are found in ascending order (sequence numbers and UIDs alike): MIN is the first, MAX the last.
        ulong modSeq = 0;
        if (returns.Contains("MIN"))
        {
            modSeq = modSeqs[0];
        }

        if (returns.Contains("MAX"))
        {
            modSeq = Math.Max(modSeq, modSeqs[^1]);
        }

        return modSeq;
    }
}
