using Microsoft.Extensions.Logging;
using Orleans.Placement;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Index.Format;
using OrleansMail.Index.Merge;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains;

/// <summary>Computes merges for UserGrain (docs/architecture.md): it reads the base and the diverged chain, and returns the merged index; UserGrain commits it.</summary>
/// <remarks>Placed beside its caller: the current index travels in the call, and should not cross the network.</remarks>
[PreferLocalPlacement]
public sealed class ReconciliationGrain(IObjectStore store, ILogger<ReconciliationGrain> log) : Grain, IReconciliationGrain
{
    public async Task<MergeOutcome> MergeAsync(MergeInput input)
    {
        var loader = new IndexLoader(store, UserObjectNames.For(this.GetPrimaryKeyString()));
        var @base = await loader.LoadAsync(input.BaseSnapshot, input.BaseSegments).ConfigureAwait(true);
        var current = IndexReader.ReadSnapshot(input.CurrentState);
        var stamps = await loader.ReadEntriesAsync(input.CurrentSegments).ConfigureAwait(true);
        var chain = new List<Index.Journal.JournalEntry>();
        var chainActivation = Guid.Empty;
        foreach (var name in input.ChainSegments)
        {
            var (header, entries) = await loader.ReadSegmentAsync(name).ConfigureAwait(true);
            chainActivation = header.ActivationId;
            chain.AddRange(entries);
        }

        var result = IndexMerge.Merge(
            @base,
            ReplayedSide.FromState(current, input.CurrentActivation, stamps),
            new ReplayedSide(@base, new JournalSide(chainActivation, chain)));
        var user = this.GetPrimaryKeyString();
        StoreLog.ReconciliationMerged(log, input.ChainSegments.Length, user, result.Reassigned.Count, result.Renamed.Count);
        return new MergeOutcome(IndexWriter.SnapshotBytes(result.Index), result.Reassigned.Count, result.Renamed.Count);
    }
}
