using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Merge;

/// <summary>
/// Three-way merge of two journals that diverged from one checkpoint (docs/architecture.md, merge rules). Symmetric in its two
/// sides and deterministic: every choice is made by record id, mailbox id or (timestamp, activation id), never by
/// argument order, so Merge(base, a, b) and Merge(base, b, a) give the same bytes.
/// </summary>
public static class IndexMerge
{
    public static MergeResult Merge(UserIndex @base, JournalSide a, JournalSide b) =>
        Merge(@base, new ReplayedSide(@base, a), new ReplayedSide(@base, b));

    public static MergeResult Merge(UserIndex @base, ReplayedSide sideA, ReplayedSide sideB)
    {
        var reassigned = new List<UidReassignment>();
        var renamed = new List<(Guid, string)>();
        var batches = MergeBatchNames(@base, sideA.State, sideB.State);

        var mailboxes = new List<MailboxState>();
        var lastUidValidity = Math.Max(sideA.State.LastUidValidity, sideB.State.LastUidValidity);
        var resurrection = lastUidValidity + 1;
        var ids = @base.Mailboxes.Keys.Concat(sideA.State.Mailboxes.Keys).Concat(sideB.State.Mailboxes.Keys).Distinct().Order();
        foreach (var id in ids)
        {
            var merged = MergeMailbox(@base.FindMailbox(id), sideA, sideB, id, batches, reassigned, resurrection);
            if (merged is not null)
            {
                mailboxes.Add(merged);
            }
        }

        ResolveNameCollisions(mailboxes, renamed);

        var subscriptions = MergeSets(@base.Subscriptions, sideA.State.Subscriptions, sideB.State.Subscriptions);
        var referenced = mailboxes.SelectMany(m => m.Messages).Select(r => r.BodyId).ToHashSet();
        var tombstoneTime = Math.Max(sideA.LastTimestamp, sideB.LastTimestamp);
        var tombstones = new SortedDictionary<Guid, long>();
        foreach (var side in new[] { sideA.State, sideB.State })
        {
            foreach (var (body, at) in side.Tombstones)
            {
                tombstones[body] = Math.Max(at, tombstones.GetValueOrDefault(body));
            }
        }

        // A body the merge dropped (expunged on the other side) becomes garbage, like any expunge.
        foreach (var r in sideA.State.Mailboxes.Values.Concat(sideB.State.Mailboxes.Values).SelectMany(m => m.Messages))
        {
            if (!referenced.Contains(r.BodyId) && !tombstones.ContainsKey(r.BodyId))
            {
                tombstones[r.BodyId] = tombstoneTime;
            }
        }

        foreach (var body in referenced)
        {
            tombstones.Remove(body);
        }

        var index = UserIndex.Assemble(
            mailboxes.Select(m => m.UidValidity).Append(lastUidValidity).Max(),
            mailboxes,
            subscriptions,
            tombstones,
            batches.Names,
            MergeMetadata(@base, sideA, sideB, [.. mailboxes.Select(m => m.Id), Guid.Empty]));
        return new MergeResult(index, reassigned, renamed);
    }

    private static MailboxState? MergeMailbox(MailboxState? baseBox, ReplayedSide sideA, ReplayedSide sideB, Guid id, BatchMap batches, List<UidReassignment> reassigned, uint resurrection)
    {
        var boxA = sideA.State.FindMailbox(id);
        var boxB = sideB.State.FindMailbox(id);
        if (boxA is null && boxB is null)
        {
            return null;
        }

        if (boxA is null || boxB is null)
        {
            var (present, side) = boxA is not null ? (boxA, sideA.State) : (boxB!, sideB.State);
            var otherSide = boxA is null ? sideA : sideB;
            if (baseBox is null)
            {
                // Created after the base on one side only. A record the other side had and no longer has anywhere
                // was filed here by a dead node, re-indexed into INBOX by recovery (this mailbox did not exist there),
                // then deleted or moved by the user: it stays deleted.
                var gone = present.Messages.Where(r => OtherSideDisowns(r.RecordId, present, otherSide)).ToList();
                return gone.Count == 0 ? Remap(present, side, batches) : Without(present, side, gone, batches);
            }

            // Deleted on one side. It survives only if the other side added messages to it; then it keeps just those.
            // A message the deleting side itself had (the other side only has it from recovery) went with the mailbox.
            var deleter = boxA is null ? sideA : sideB;
            var added = present.Messages.Where(r => baseBox.FindByUid(r.Uid)?.RecordId != r.RecordId && !deleter.FlagStamps.ContainsKey(r.RecordId)).ToList();
            if (added.Count == 0)
            {
                return null;
            }

            // The deleting side's clients were shown counters this side never reached (a successor raises them by
            // the allocation cap): coming back under its old UIDVALIDITY with lower UIDNEXT and HIGHESTMODSEQ would
            // leave them a ghost and hide a message. As a new mailbox, under a UIDVALIDITY above every earlier one
            // of the user, every client resyncs it whole (RFC 3501 §2.3.1.1).
            var dropped = present.Messages.Where(r => !added.Contains(r)).Select(r => r.Uid).ToList();
            var fresh = present.HighestModSeq + 1;
            var survivor = NewLike(present, present.Name, resurrection, present.UidNext, dropped.Count > 0 ? fresh : present.HighestModSeq, present.DeletedModSeq);
            var expunged = present.Expunged.ToList();
            if (dropped.Count > 0)
            {
                expunged.AddRange(UidSet.FromRanges(dropped.Select(u => (u, u))).Ranges.Select(r => new ExpungedRange(r.First, r.Last, fresh)));
            }

            survivor.LoadSorted(added.Select(r => batches.Remap(r, side)), expunged);
            return survivor;
        }

        return MergeBoth(baseBox, boxA, boxB, sideA, sideB, batches, reassigned);
    }

    private static MailboxState MergeBoth(MailboxState? baseBox, MailboxState boxA, MailboxState boxB, ReplayedSide sideA, ReplayedSide sideB, BatchMap batches, List<UidReassignment> reassigned)
    {
        var name = boxA.Name;
        var specialUse = boxA.SpecialUse;
        if (!string.Equals(boxA.Name, boxB.Name, StringComparison.Ordinal))
        {
            var bWins = baseBox is not null && string.Equals(boxA.Name, baseBox.Name, StringComparison.Ordinal)
                || (baseBox is null || !string.Equals(boxB.Name, baseBox.Name, StringComparison.Ordinal))
                    && ReplayedSide.IsLater(sideB.NameStamps.GetValueOrDefault(boxA.Id), sideB.ActivationId, sideA.NameStamps.GetValueOrDefault(boxA.Id), sideA.ActivationId);
            if (bWins)
            {
                name = boxB.Name;
                specialUse = boxB.SpecialUse;
            }
        }

        // One mailbox id with two UIDVALIDITYs: both sides created it independently (a user's first node died
        // before its first checkpoint, and recovery recreated INBOX on the successor). UIDVALIDITY never goes back
        // for any client (RFC 3501 §2.3.1.1; mbsync stops at any change), so the higher one stays, and every record
        // only the other side had is new to the clients that kept it: it takes a UID above both UIDNEXTs.
        var uidValidity = Math.Max(boxA.UidValidity, boxB.UidValidity);
        var dropped = boxA.UidValidity == boxB.UidValidity ? null : boxA.UidValidity < boxB.UidValidity ? boxA : boxB;

        var baseById = baseBox?.Messages.ToDictionary(r => r.RecordId) ?? [];
        var aById = boxA.Messages.ToDictionary(r => r.RecordId);
        var bById = boxB.Messages.ToDictionary(r => r.RecordId);
        var baseUidNext = baseBox?.UidNext ?? 1;

        var candidates = new List<MessageRecord>();
        var needsNewUid = new SortedSet<Guid>();
        var vanished = new List<uint>();
        foreach (var rid in baseById.Keys.Concat(aById.Keys).Concat(bById.Keys).Distinct().Order())
        {
            MessageRecord? inBase = baseById.TryGetValue(rid, out var b0) ? b0 : null;
            MessageRecord? inA = aById.TryGetValue(rid, out var a0) ? a0 : null;
            MessageRecord? inB = bById.TryGetValue(rid, out var c0) ? c0 : null;
            if (inBase is { } baseRecord)
            {
                if (inA is not { } bothA || inB is not { } bothB)
                {
                    continue; // an expunge on either side wins
                }

                candidates.Add(MergeFlags(baseRecord, bothA, bothB, sideA, sideB, batches));
                continue;
            }

            if (inA is { } recordA && inB is { } recordB)
            {
                var newer = ReplayedSide.IsLater(sideB.FlagStamps.GetValueOrDefault(rid), sideB.ActivationId, sideA.FlagStamps.GetValueOrDefault(rid), sideA.ActivationId) ? recordB : recordA;
                var pick = batches.Remap(newer, newer == recordA ? sideA.State : sideB.State);
                if (recordA.Uid != recordB.Uid)
                {
                    // Both hold it under different UIDs (the successor's recovery re-indexed the dead node's delivery
                    // above its raised counters). The higher one is new to the other side's clients too (at or
                    // above the UIDNEXT they were shown) and keeps the live side's clients undisturbed; only when
                    // it is not does the record move to a fresh UID.
                    var (high, low, lowBox, highBox) = recordA.Uid > recordB.Uid ? (recordA.Uid, recordB.Uid, boxB, boxA) : (recordB.Uid, recordA.Uid, boxA, boxB);
                    if (dropped is null && high >= lowBox.UidNext && highBox.FindByUid(low) is null)
                    {
                        pick = pick with { Uid = high };
                        vanished.Add(low);
                    }
                    else
                    {
                        needsNewUid.Add(rid);
                    }
                }

                candidates.Add(pick);

                continue;
            }

            var (only, mine, other) = inA is { } onlyA ? (onlyA, sideA.State, boxB) : (inB!.Value, sideB.State, boxA);
            if (OtherSideDisowns(rid, inA is not null ? boxA : boxB, inA is not null ? sideB : sideA))
            {
                // The other side had this very record after the base and no longer has it here: it expunged or moved
                // it (or filed it elsewhere). This side can only have it from recovery, which re-indexes what a dead
                // node stored without knowing what that node did next: the node that did it knows best.
                vanished.Add(only.Uid);
                if (other.FindByUid(only.Uid) is { } clash && clash.RecordId != rid)
                {
                    // That UID now names another message on the other side: it moves, so no client keeps a UID
                    // that named two messages.
                    needsNewUid.Add(clash.RecordId);
                }

                continue;
            }

            candidates.Add(batches.Remap(only, mine));
            if (dropped is not null && ReferenceEquals(other == boxB ? boxA : boxB, dropped))
            {
                needsNewUid.Add(rid);
                continue;
            }

            // The other side used this UID for something else after the base (present or already expunged): ambiguous.
            // And below the other side's UIDNEXT the other side's clients never look again (RFC 3501 §2.3.1.1: new
            // messages get ascending UIDs; mbsync, offlineimap and fetchmail sync from UIDNEXT on): a fresh UID.
            var otherAtUid = other.FindByUid(only.Uid);
            if ((otherAtUid is { } atUid && atUid.RecordId != rid) || (only.Uid >= baseUidNext && otherAtUid is null && IsExpunged(other, only.Uid)) || only.Uid < other.UidNext)
            {
                needsNewUid.Add(rid);
            }
        }

        // Two records on one UID: both move (Cyrus's rule), so no client keeps a UID that now names another message.
        foreach (var group in candidates.GroupBy(r => r.Uid).Where(g => g.Count() > 1))
        {
            foreach (var r in group)
            {
                needsNewUid.Add(r.RecordId);
            }
        }

        var fresh = Math.Max(boxA.HighestModSeq, boxB.HighestModSeq) + 1;
        var uidNext = Math.Max(boxA.UidNext, boxB.UidNext);
        var final = new List<MessageRecord>(candidates.Count);
        var anyFresh = false;
        foreach (var r in candidates)
        {
            var record = r;
            if (needsNewUid.Contains(r.RecordId))
            {
                foreach (var old in new uint?[] { aById.TryGetValue(r.RecordId, out var oldA) ? oldA.Uid : null, bById.TryGetValue(r.RecordId, out var oldB) ? oldB.Uid : null })
                {
                    if (old is uint u)
                    {
                        vanished.Add(u);
                    }
                }

                record = record with { Uid = uidNext++ };
                reassigned.Add(new UidReassignment(boxA.Id, r.RecordId, record.Uid));
            }

            if (aById.TryGetValue(r.RecordId, out var sameA) && bById.TryGetValue(r.RecordId, out var sameB) && SameState(record, sameA) && SameState(record, sameB))
            {
                record = record with { ModSeq = Math.Max(sameA.ModSeq, sameB.ModSeq) };
            }
            else
            {
                record = record with { ModSeq = fresh };
                anyFresh = true;
            }

            final.Add(record);
        }

        final.Sort((x, y) => x.Uid.CompareTo(y.Uid));

        // Expunges: those from before the base keep their modseqs, and so do those both sides made; what only one
        // side expunged, and the UIDs a renumbering freed, get the fresh modseq so CONDSTORE clients of either side see them.
        var baseModSeq = baseBox?.HighestModSeq ?? 0;
        var floor = Math.Max(boxA.DeletedModSeq, boxB.DeletedModSeq);
        var expunged = (baseBox?.Expunged ?? []).Where(e => e.ModSeq > floor).ToList();
        var afterA = boxA.Expunged.Where(e => e.ModSeq > baseModSeq).ToList();
        var afterB = boxB.Expunged.Where(e => e.ModSeq > baseModSeq).ToList();
        var setA = UidSet.FromRanges(afterA.Select(e => (e.First, e.Last)));
        var setB = UidSet.FromRanges(afterB.Select(e => (e.First, e.Last)));
        var common = setA.Intersect(setB);
        var finalUids = final.Select(r => r.Uid).ToHashSet();
        var later = new List<ExpungedRange>();
        foreach (var u in common)
        {
            later.Add(new ExpungedRange(u, u, Math.Max(ModSeqOf(afterA, u), ModSeqOf(afterB, u))));
        }

        var freshSet = setA.Union(setB).Except(common).Union(UidSet.FromRanges(vanished.Select(u => (u, u))).Except(common));
        foreach (var (first, last) in freshSet.Ranges)
        {
            later.Add(new ExpungedRange(first, last, fresh));
            anyFresh = true;
        }

        expunged.AddRange(Fold(later.OrderBy(e => e.ModSeq).ThenBy(e => e.First)));
        freshSet = freshSet.Union(common);

        if (finalUids.Any(freshSet.Contains))
        {
            throw new IndexCorruptException($"merge left a live UID in the expunged set of {boxA.Id}");
        }

        var merged = NewLike(boxA, name, uidValidity, uidNext, anyFresh ? fresh : fresh - 1, floor);
        merged.SpecialUse = specialUse;
        merged.LoadSorted(final, expunged);
        return merged;
    }

    private static ulong ModSeqOf(List<ExpungedRange> ranges, uint uid)
    {
        ulong modSeq = 0;
        foreach (var e in ranges)
        {
            if (uid >= e.First && uid <= e.Last)
            {
                modSeq = Math.Max(modSeq, e.ModSeq);
            }
        }

        return modSeq;
    }

    private static IEnumerable<ExpungedRange> Fold(IEnumerable<ExpungedRange> ranges)
    {
        ExpungedRange? open = null;
        foreach (var r in ranges)
        {
            if (open is { } o && o.ModSeq == r.ModSeq && (ulong)o.Last + 1 == r.First)
            {
                open = o with { Last = r.Last };
                continue;
            }

            if (open is { } done)
            {
                yield return done;
            }

            open = r;
        }

        if (open is { } last)
        {
            yield return last;
        }
    }

    private static bool IsExpunged(MailboxState m, uint uid)
    {
        foreach (var e in m.Expunged)
        {
            if (uid >= e.First && uid <= e.Last)
            {
                return true;
            }
        }

        return false;
    }

    private static bool SameState(MessageRecord x, MessageRecord y) => x.Uid == y.Uid && x.SameFlags(y);

    private static MessageRecord MergeFlags(MessageRecord baseRecord, MessageRecord recordA, MessageRecord recordB, ReplayedSide sideA, ReplayedSide sideB, BatchMap batches)
    {
        // Three-way set merge: what either side added, minus what either side removed.
        var added = (recordA.Flags | recordB.Flags) & ~baseRecord.Flags;
        var removed = baseRecord.Flags & ~(recordA.Flags & recordB.Flags);
        var flags = (baseRecord.Flags | added) & ~removed;
        var keywords = MergeSets(baseRecord.Keywords, recordA.Keywords, recordB.Keywords);
        var fromA = batches.Remap(recordA, sideA.State);
        var fromB = batches.Remap(recordB, sideB.State);
        var batch = fromA.SummaryBatch < 0 ? fromB.SummaryBatch : fromB.SummaryBatch < 0 ? fromA.SummaryBatch : Math.Min(fromA.SummaryBatch, fromB.SummaryBatch);
        return fromA with { Flags = flags, Keywords = keywords.Count == 0 ? Model.Keywords.None : [.. keywords], SummaryBatch = batch };
    }

    /// <summary>
    /// METADATA three-way, entry by entry: a side that left an entry as the base had it yields to the other; when
    /// both changed it, the later change wins (a removal too), ties going to the higher activation id so the merge
    /// is the same either way round. Entries of mailboxes the merge did not keep go with them.
    /// </summary>
    private static List<KeyValuePair<MetadataKey, MetadataValue>> MergeMetadata(UserIndex @base, ReplayedSide sideA, ReplayedSide sideB, HashSet<Guid> kept)
    {
        var merged = new List<KeyValuePair<MetadataKey, MetadataValue>>();
        var keys = @base.Metadata.Keys.Concat(sideA.State.Metadata.Keys).Concat(sideB.State.Metadata.Keys).Distinct().Order();
        foreach (var key in keys.Where(k => kept.Contains(k.MailboxId)))
        {
            var was = @base.Metadata.GetValueOrDefault(key);
            var a = sideA.State.Metadata.GetValueOrDefault(key);
            var b = sideB.State.Metadata.GetValueOrDefault(key);
            var value = Unchanged(was, a) ? b : Unchanged(was, b) ? a : Later(key, a, sideA, b, sideB);
            if (value is not null)
            {
                merged.Add(KeyValuePair.Create(key, value));
            }
        }

        return merged;
    }

    private static bool Unchanged(MetadataValue? @base, MetadataValue? side) => @base is null ? side is null : @base.SameAs(side);

    /// <summary>Both sides changed the entry: the later change wins, a removal at the time it was made.</summary>
    private static MetadataValue? Later(MetadataKey key, MetadataValue? a, ReplayedSide sideA, MetadataValue? b, ReplayedSide sideB)
    {
        var stampA = a?.Stamp ?? sideA.MetadataRemovals.GetValueOrDefault(key);
        var stampB = b?.Stamp ?? sideB.MetadataRemovals.GetValueOrDefault(key);
        return stampA != stampB ? (stampA > stampB ? a : b) : sideA.ActivationId.CompareTo(sideB.ActivationId) >= 0 ? a : b;
    }

    private static SortedSet<string> MergeSets(IEnumerable<string> @base, IEnumerable<string> a, IEnumerable<string> b)
    {
        var baseSet = @base.ToHashSet(StringComparer.Ordinal);
        var aSet = a.ToHashSet(StringComparer.Ordinal);
        var bSet = b.ToHashSet(StringComparer.Ordinal);
        var result = new SortedSet<string>(baseSet, StringComparer.Ordinal);
        result.UnionWith(aSet.Where(x => !baseSet.Contains(x)));
        result.UnionWith(bSet.Where(x => !baseSet.Contains(x)));
        result.ExceptWith(baseSet.Where(x => !aSet.Contains(x) || !bSet.Contains(x)));
        return result;
    }

    private static void ResolveNameCollisions(List<MailboxState> mailboxes, List<(Guid, string)> renamed)
    {
        var taken = mailboxes.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var group in mailboxes.GroupBy(m => m.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList())
        {
            foreach (var m in group.OrderBy(m => m.Id).Skip(1))
            {
                var candidate = $"{m.Name}-{m.Id.ToString("N")[..8]}";
                for (var n = 2; taken.Contains(candidate); n++)
                {
                    candidate = $"{m.Name}-{m.Id.ToString("N")[..8]}-{n}";
                }

                taken.Add(candidate);
                m.Name = candidate;
                renamed.Add((m.Id, candidate));
            }
        }
    }

    private static MailboxState NewLike(MailboxState m, string name, uint uidValidity, uint uidNext, ulong highestModSeq, ulong deletedModSeq) => new()
    {
        Id = m.Id,
        Name = name,
        SpecialUse = m.SpecialUse,
        UidValidity = uidValidity,
        UidNext = uidNext,
        HighestModSeq = highestModSeq,
        DeletedModSeq = deletedModSeq,
    };

    private static MailboxState Remap(MailboxState m, UserIndex side, BatchMap batches)
    {
        var copy = NewLike(m, m.Name, m.UidValidity, m.UidNext, m.HighestModSeq, m.DeletedModSeq);
        copy.LoadSorted(m.Messages.Select(r => batches.Remap(r, side)), m.Expunged);
        return copy;
    }

    /// <summary>
    /// Whether a record only this side holds in <paramref name="here"/> must go: the other side had this very record
    /// after the base and no longer has it here. This side can then only have it from recovery (or the other from
    /// recovery), which re-indexes what a dead node stored without knowing what that node did next: the node that
    /// did it knows best. Gone from the other side: expunged or moved, it stays so. Held elsewhere there: recovery
    /// files a body into INBOX only when the mailbox its delivery named did not exist on the recovering node, so
    /// the place that is not INBOX is the one the user chose (ties, which recovery cannot make, go by mailbox id).
    /// </summary>
    private static bool OtherSideDisowns(Guid recordId, MailboxState here, ReplayedSide other)
    {
        if (!other.FlagStamps.ContainsKey(recordId))
        {
            return false;
        }

        if (other.MailboxOf(recordId) is not { } there || there.Id == here.Id)
        {
            return true;
        }

        var hereIsInbox = MailboxName.IsInbox(here.Name);
        var thereIsInbox = MailboxName.IsInbox(there.Name);
        return hereIsInbox != thereIsInbox ? hereIsInbox : here.Id.CompareTo(there.Id) > 0;
    }

    /// <summary>A copy of <paramref name="m"/> without <paramref name="gone"/>, their UIDs expunged at a fresh modseq its clients have not seen.</summary>
    private static MailboxState Without(MailboxState m, UserIndex side, List<MessageRecord> gone, BatchMap batches)
    {
        var fresh = m.HighestModSeq + 1;
        var copy = NewLike(m, m.Name, m.UidValidity, m.UidNext, fresh, m.DeletedModSeq);
        var expunged = m.Expunged.ToList();
        expunged.AddRange(UidSet.FromRanges(gone.Select(r => (r.Uid, r.Uid))).Ranges.Select(r => new ExpungedRange(r.First, r.Last, fresh)));
        copy.LoadSorted(m.Messages.Except(gone).Select(r => batches.Remap(r, side)), expunged);
        return copy;
    }

    private static BatchMap MergeBatchNames(UserIndex @base, UserIndex a, UserIndex b)
    {
        // Dropped batches leave the merged list: its positions are new, and records are remapped by name.
        var names = @base.SummaryBatches.Where(n => n != UserIndex.DroppedBatch).ToList();
        var known = names.ToHashSet(StringComparer.Ordinal);
        names.AddRange(a.SummaryBatches.Concat(b.SummaryBatches).Where(n => n != UserIndex.DroppedBatch && !known.Contains(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return new BatchMap(names);
    }
}
