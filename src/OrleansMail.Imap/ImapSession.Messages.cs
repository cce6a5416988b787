using System.Globalization;
using System.Text;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Fetch;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>Message commands: FETCH, STORE, COPY, MOVE, EXPUNGE, SEARCH and their UID forms.</summary>
internal sealed partial class ImapSession
{
    private const int SummaryChunk = 500;

    /// <summary>What of each message's body a FETCH or SEARCH needs read.</summary>
    private enum BodyNeed
    {
        None,
        Header,
        Whole,
    }

    internal async Task<string?> FetchAsync(FetchRequest request)
    {
        var (set, changedSince, vanished) = (request.Set, request.ChangedSince, request.Vanished);
        var items = request.Items.ToList();
        if (items.Count(i => i.Kind == FetchKind.Section) > Options.MaxFetchSections)
        {
            // Each section is up to a whole body written per message: the count is what bounds the answer's size.
            throw new ImapNoException("LIMIT", $"At most {Options.MaxFetchSections} body sections per FETCH");
        }

        if (vanished && !_qresync)
        {
            throw new ImapSyntaxException("VANISHED needs UID FETCH, CHANGEDSINCE and QRESYNC enabled");
        }

        if (changedSince > 0 && !items.Any(i => i.Kind == FetchKind.ModSeq))
        {
            items.Add(new FetchItem(FetchKind.ModSeq));
        }

        if (items.Any(i => i.Kind == FetchKind.ModSeq))
        {
            EnableCondStore();
        }

        if (request.Uid && !items.Any(i => i.Kind == FetchKind.Uid))
        {
            items.Insert(0, new FetchItem(FetchKind.Uid));
        }

        var view = View!;
        if (vanished)
        {
            await WriteVanishedEarlierAsync(view, set, changedSince).ConfigureAwait(false);
        }

        var uids = view.Resolve(set, request.Uid);
        var flagsChanged = new HashSet<uint>();
        if (!view.ReadOnly && items.Any(i => i.Kind == FetchKind.Section && !i.Peek))
        {
            // RFC 3501 §6.4.5: BODY[...] (not PEEK) sets \Seen; the answer then carries FLAGS.
            var unseen = uids.Where(u => view.TryGet(u, out var m) && !m.Flags.HasFlag(MessageFlags.Seen) && !view.IsPendingExpunge(u)).ToList();
            if (unseen.Count > 0)
            {
                var stored = await Grain.StoreFlagsAsync(view.Id, SelectedMailbox.ToUidSet(unseen), FlagOperation.Add, MessageFlags.Seen, []).ConfigureAwait(false);
                foreach (var changed in stored.Changed)
                {
                    view.Update(changed);
                    flagsChanged.Add(changed.Uid);
                }
            }
        }

        var messages = new List<MessageView>(uids.Count);
        foreach (var uid in uids)
        {
            if (view.TryGet(uid, out var message) && (changedSince == 0 || message.ModSeq > changedSince))
            {
                messages.Add(message);
            }
        }

        var needsSummary = items.Any(i => i.NeedsSummary);
        var need = items.Any(i => i.NeedsBody) ? BodyNeed.Whole : items.Any(i => i.NeedsHeaderOnly) ? BodyNeed.Header : BodyNeed.None;
        var responder = new FetchResponder(_out, _services.Bodies, User.UserId, FlushAsync);
        foreach (var chunk in messages.Chunk(SummaryChunk))
        {
            var summaries = needsSummary ? await _services.Summaries.GetAsync(User.UserId, chunk.Select(m => (m.BodyId, m.Size)).ToList()).ConfigureAwait(false) : null;
            await foreach (var (index, data) in LoadBodiesAsync(chunk, summaries, need).ConfigureAwait(false))
            {
                var message = chunk[index];
                await responder.WriteAsync(view, message, items, summaries?[index], data, flagsChanged.Contains(message.Uid), _condStore).ConfigureAwait(false);
            }
        }

        return request.Uid ? "UID FETCH completed" : "FETCH completed";
    }

    /// <summary>
    /// Reads what the messages need from the store in order, keeping up to the configured number of reads in flight
    /// ahead of the writer: with a slow store, N bodies cost about N / parallelism round trips, not N.
    /// </summary>
    private async IAsyncEnumerable<(int Index, byte[]? Data)> LoadBodiesAsync(IReadOnlyList<MessageView> messages, MessageSummary[]? summaries, BodyNeed need)
    {
        if (need == BodyNeed.None)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                yield return (i, null);
            }

            yield break;
        }

        var window = Math.Max(1, _services.Bodies.Options.PrefetchParallelism);
        var loads = new Task<byte[]?>[messages.Count];
        var started = 0;
        try
        {
            for (var i = 0; i < messages.Count; i++)
            {
                while (started < messages.Count && started <= i + window)
                {
                    loads[started] = LoadBodyAsync(messages[started], summaries?[started], need);
                    started++;
                }

                yield return (i, await loads[i].ConfigureAwait(false));
            }
        }
        finally
        {
            // A failure midway: let the reads already started finish quietly.
            for (var i = 0; i < started; i++)
            {
                _ = loads[i].ContinueWith(t => t.Exception, TaskScheduler.Default);
            }
        }
    }

    private async Task<byte[]?> LoadBodyAsync(MessageView message, MessageSummary? summary, BodyNeed need)
    {
        if (need == BodyNeed.Whole)
        {
            return _services.Bodies.IsSmall(message.Size) ? await _services.Bodies.ReadAsync(User.UserId, message.BodyId).ConfigureAwait(false) : null;
        }

        var headerLength = summary is null ? message.Size : BodySection.HeaderEnd(summary);
        return await _services.Bodies.ReadHeadAsync(User.UserId, message.BodyId, Math.Min(headerLength, message.Size)).ConfigureAwait(false);
    }

    private Task<byte[]> ReadRangeAsync(MessageView message, long offset, long length) => FetchResponder.ReadRangeAsync(_services.Bodies, User.UserId, message, offset, length);

    internal async Task<string?> StoreAsync(StoreRequest request)
    {
        var (set, operation, silent, flags, keywords) = (request.Set, request.Operation, request.Silent, request.Flags, request.Keywords);
        var conditional = request.UnchangedSince is not null;
        var unchangedSince = request.UnchangedSince ?? 0;
        if (conditional)
        {
            EnableCondStore();
        }

        var view = View!;
        if (view.ReadOnly)
        {
            throw new ImapNoException("READ-ONLY", "The mailbox is read-only");
        }

        var uids = view.Resolve(set, request.Uid).Where(u => !view.IsPendingExpunge(u)).ToList();
        var modified = UidSet.Empty;
        var changedUids = new HashSet<uint>();
        if (conditional && unchangedSince == 0)
        {
            // RFC 7162 §3.1.3: UNCHANGEDSINCE 0 always fails.
            modified = SelectedMailbox.ToUidSet(uids);
        }
        else if (uids.Count > 0)
        {
            var result = await Grain.StoreFlagsAsync(view.Id, SelectedMailbox.ToUidSet(uids), operation, flags, keywords, unchangedSince).ConfigureAwait(false);
            foreach (var changed in result.Changed)
            {
                view.Update(changed);
                changedUids.Add(changed.Uid);
            }

            modified = result.Modified;
        }

        foreach (var uid in uids)
        {
            if (modified.Contains(uid) || !view.TryGet(uid, out var m))
            {
                continue;
            }

            if (!silent)
            {
                if (_condStore)
                {
                    WriteFlagsFetch(view, m);
                }
                else
                {
                    _out.Raw($"* {view.SequenceOf(uid)} FETCH (FLAGS {ImapFormat.Flags(m.Flags, m.Keywords, view.IsRecent(uid))}");
                    _out.Raw(request.Uid ? $" UID {uid})\r\n" : ")\r\n");
                }
            }
            else if (_condStore && changedUids.Contains(uid))
            {
                // RFC 7162 §3.1.3: even .SILENT reports the new MODSEQ of what changed.
                WriteFlagsFetch(view, m, includeFlags: false);
            }
        }

        if (!modified.IsEmpty)
        {
            var numbers = request.Uid ? modified.ToString() : string.Join(',', modified.Select(u => view.SequenceOf(u)));
            return $"[MODIFIED {numbers}] Conditional STORE failed for some messages";
        }

        return request.Uid ? "UID STORE completed" : "STORE completed";
    }

    internal async Task<string?> CopyAsync(CopyRequest request)
    {
        var (set, move) = (request.Set, request.Move);
        var name = RequireMailbox(request.Mailbox);
        var view = View!;
        if (move && view.ReadOnly)
        {
            throw new ImapNoException("READ-ONLY", "The mailbox is read-only");
        }

        MailboxInfo destination;
        try
        {
            destination = await Grain.GetMailboxAsync(name).ConfigureAwait(false);
        }
        catch (Errors.MailStoreException e) when (e.Kind == Errors.MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("TRYCREATE", "No such destination mailbox");
        }

        var uids = view.Resolve(set, request.Uid).Where(u => !view.IsPendingExpunge(u)).ToList();
        var verb = (request.Uid ? "UID " : "") + (move ? "MOVE" : "COPY");
        if (uids.Count == 0)
        {
            return $"{verb} completed (no messages)";
        }

        var result = await Grain.CopyAsync(view.Id, SelectedMailbox.ToUidSet(uids), destination.Id, move).ConfigureAwait(false);
        var code = $"[COPYUID {result.DestinationUidValidity} {UidList(result.SourceUids)} {UidList(result.DestinationUids)}]";
        if (!move)
        {
            return $"{code} {verb} completed";
        }

        // RFC 6851 §4.3: COPYUID comes untagged, before the EXPUNGEs the post-command sync sends.
        _out.Raw($"* OK {code} Moved\r\n");
        foreach (var uid in result.Expunged)
        {
            view.MarkExpunged(uid);
        }

        return $"{verb} completed";
    }

    /// <summary>A UID list that keeps its order (COPYUID pairs source and destination by position), with runs as ranges.</summary>
    private static string UidList(uint[] uids)
    {
        var text = new StringBuilder();
        for (var i = 0; i < uids.Length;)
        {
            var j = i;
            while (j + 1 < uids.Length && uids[j + 1] == uids[j] + 1)
            {
                j++;
            }

            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(uids[i].ToString(CultureInfo.InvariantCulture));
            if (j > i)
            {
                text.Append(':').Append(uids[j].ToString(CultureInfo.InvariantCulture));
            }

            i = j + 1;
        }

        return text.ToString();
    }

    internal async Task<string?> ExpungeAsync(ExpungeRequest request)
    {
        var view = View!;
        var only = request.Set is { } set ? SelectedMailbox.ToUidSet(view.Resolve(set, byUid: true)) : null;
        if (view.ReadOnly)
        {
            throw new ImapNoException("READ-ONLY", "The mailbox is read-only");
        }

        ulong modSeq = 0;
        if (only is null || !only.IsEmpty)
        {
            var result = await Grain.ExpungeAsync(view.Id, only).ConfigureAwait(false);
            foreach (var uid in result.Expunged)
            {
                view.MarkExpunged(uid);
            }

            modSeq = result.ModSeq;
        }

        // RFC 7162 §3.2.10: with QRESYNC the answer names the mailbox's modseq after the expunge.
        var code = _qresync && modSeq > 0 ? $"[HIGHESTMODSEQ {modSeq}] " : "";
        return code + (request.Uid ? "UID EXPUNGE completed" : "EXPUNGE completed");
    }

    /// <summary>RFC 4731: one ESEARCH response with what was asked; with SAVE alone, none (RFC 5182 §2.4).</summary>
    private void WriteEsearch(ImapRequest request, IReadOnlySet<string> returns, List<uint> matches, ulong modSeq)
    {
        if (returns.Count == 1 && returns.Contains("SAVE"))
        {
            return;
        }

        _out.Raw("* ESEARCH (TAG ").String(request.Tag).Raw(")");
        if (request.Uid)
        {
            _out.Raw(" UID");
        }

        if (matches.Count > 0)
        {
            if (returns.Contains("MIN"))
            {
                _out.Raw(" MIN ").Number(matches.Min());
            }

            if (returns.Contains("MAX"))
            {
                _out.Raw(" MAX ").Number(matches.Max());
            }

            if (returns.Contains("ALL"))
            {
                _out.Raw(" ALL ").Raw(SelectedMailbox.ToUidSet(matches).ToString());
            }
        }

        if (returns.Contains("COUNT"))
        {
            _out.Raw(" COUNT ").Number(matches.Count);
        }

        if (modSeq > 0 && matches.Count > 0)
        {
            _out.Raw(" MODSEQ ").Number((long)modSeq);
        }

        _out.CrLf();
    }

    internal async Task<string?> SearchAsync(SearchRequest request)
    {
        var returns = request.Return;
        if (request.Charset is { } charset && !charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            throw new ImapNoException("BADCHARSET (UTF-8 US-ASCII)", "Unsupported charset");
        }

        var key = new SearchMatcher(request.Program);
        if (key.UsesModSeq)
        {
            EnableCondStore();
        }

        var view = View!;
        var candidates = new List<(MessageView Message, int Sequence)>(view.Count);
        for (var seq = 1; seq <= view.Count; seq++)
        {
            candidates.Add((view[seq], seq));
        }

        var needs = key.Needs;
        var need = needs.HasFlag(SearchNeeds.Body) ? BodyNeed.Whole : needs.HasFlag(SearchNeeds.Header) ? BodyNeed.Header : BodyNeed.None;
        var matches = new List<uint>();
        var matchedUids = new List<uint>();
        ulong highestMatched = 0;
        foreach (var chunk in candidates.Chunk(SummaryChunk))
        {
            var messages = chunk.Select(c => c.Message).ToList();
            var summaries = needs != SearchNeeds.None ? await _services.Summaries.GetAsync(User.UserId, messages.Select(m => (m.BodyId, m.Size)).ToList()).ConfigureAwait(false) : null;
            await foreach (var (index, data) in LoadBodiesAsync(messages, summaries, need).ConfigureAwait(false))
            {
                var message = messages[index];
                var body = need == BodyNeed.Whole ? data ?? await ReadRangeAsync(message, 0, message.Size).ConfigureAwait(false) : null;
                var header = need == BodyNeed.Header ? data : body;
                var subject = new SearchSubject(message, chunk[index].Sequence, view.LargestUid, view.Count, summaries?[index], header, body, _services.Time.GetUtcNow(), view.SavedResult, view.IsRecent(message.Uid));
                if (key.Matches(subject))
                {
                    matchedUids.Add(message.Uid);
                    matches.Add(request.Uid ? message.Uid : (uint)chunk[index].Sequence);
                    highestMatched = Math.Max(highestMatched, message.ModSeq);
                }
            }
        }

        if (returns is not null)
        {
            if (returns.Contains("SAVE"))
            {
                view.SavedResult = [.. matchedUids];
            }

            WriteEsearch(request, returns, matches, key.UsesModSeq ? highestMatched : 0);
            return request.Uid ? "UID SEARCH completed" : "SEARCH completed";
        }

        _out.Raw(matches.Count == 0 ? "* SEARCH" : "* SEARCH " + string.Join(' ', matches));
        if (key.UsesModSeq && matches.Count > 0)
        {
            // RFC 7162 §3.1.5: the highest modseq of the messages found.
            _out.Raw($" (MODSEQ {highestMatched})");
        }

        _out.CrLf();
        return request.Uid ? "UID SEARCH completed" : "SEARCH completed";
    }
}
