using Orleans.Runtime;
using Orleans.Runtime.Placement;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Index.Format;
using OrleansMail.Index.Model;

namespace OrleansMail.Grains;

/// <summary>
/// Live migration (docs/architecture.md, Live migration): the user moves to another silo with its index in hand. The
/// old activation leaves as it would on deactivation (final checkpoint, lease released), then hands the index, its
/// sessions' observers and the \Recent claims to the new one, which starts from them instead of reloading the index
/// from the store.
/// </summary>
public sealed partial class UserGrain : IGrainMigrationParticipant
{
    private const string IndexKey = "om.index";
    private const string CheckpointKey = "om.checkpoint";
    private const string OwnersKey = "om.observers.owner";
    private const string ReadersKey = "om.observers.reader";
    private const string RecentKey = "om.recent";

    /// <summary>
    /// An index larger than this travels through the store instead: the hand-over is one Orleans message, and a
    /// message past the silo's size limit would fail the move (the new activation would then load from the store
    /// anyway, later).
    /// </summary>
    private const int MaxCarriedIndexBytes = 48 * 1024 * 1024;

    /// <summary>Set when this activation left cleanly for a migration: only then does its index describe the manifest's checkpoint.</summary>
    private bool _leftForMigration;

    /// <summary>What the previous activation handed over: the index as of a checkpoint (seq, writer).</summary>
    private (long Seq, Guid Writer, byte[] Index)? _handedOver;

    /// <summary>The sessions that watched the previous activation; taken in once the observers exist (activation).</summary>
    private (IMailboxObserver[] Owners, IMailboxObserver[] Readers)? _observersHandedOver;

    public Task<string> MoveAsync(string? silo)
    {
        var local = _silo.SiloAddress;
        var active = _membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local))
            .OrderBy(m => m.SiloAddress.ToString(), StringComparer.Ordinal)
            .ToList();
        var target = silo is null
            ? active.FirstOrDefault()
            : active.FirstOrDefault(m => Names(m).Contains(silo, StringComparer.OrdinalIgnoreCase));
        if (target is null)
        {
            if (silo is not null && Names(_membership.CurrentSnapshot.Members.GetValueOrDefault(local)).Contains(silo, StringComparer.OrdinalIgnoreCase))
            {
                return Task.FromResult(local.ToString()); // already there
            }

            throw MailStoreException.NotFound(silo is null ? "no other active silo to move to" : $"no active silo '{silo}'");
        }

        var destination = target.SiloAddress.ToString();
        StoreLog.Moving(_log, _names.User, destination);

        // MigrateOnIdle takes the request context along to placement: the hint names the silo.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target.SiloAddress);
        this.MigrateOnIdle();
        RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        return Task.FromResult(destination);

        static string[] Names(ClusterMember? m) => m is null ? [] :
            [m.SiloAddress.ToString(), m.SiloAddress.ToParsableString(), m.SiloAddress.Endpoint.ToString(), m.Name];
    }

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (!_leftForMigration)
        {
            // The journal stayed on this silo's disk (the store was away): the next activation must recover, not trust a copy.
            return;
        }

        var index = IndexWriter.SnapshotBytes(_index);
        if (index.Length <= MaxCarriedIndexBytes)
        {
            dehydrationContext.AddBytes(IndexKey, index);
            dehydrationContext.TryAddValue(CheckpointKey, (_manifest.State.Seq, _manifest.State.Writer));
        }

        var (owners, readers) = _observers.Export();
        dehydrationContext.TryAddValue(OwnersKey, owners);
        dehydrationContext.TryAddValue(ReadersKey, readers);
        dehydrationContext.TryAddValue(RecentKey, _recentClaimed);
        StoreLog.HandedOver(_log, _names.User, index.Length <= MaxCarriedIndexBytes ? index.Length : 0, owners.Length + readers.Length);
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetBytes(IndexKey, out var index)
            && rehydrationContext.TryGetValue<(long Seq, Guid Writer)>(CheckpointKey, out var checkpoint))
        {
            _handedOver = (checkpoint.Seq, checkpoint.Writer, System.Buffers.BuffersExtensions.ToArray(index));
        }

        if (rehydrationContext.TryGetValue<Dictionary<Guid, uint>>(RecentKey, out var recent) && recent is not null)
        {
            foreach (var (mailbox, uid) in recent)
            {
                _recentClaimed[mailbox] = uid;
            }
        }

        rehydrationContext.TryGetValue<IMailboxObserver[]>(OwnersKey, out var owners);
        rehydrationContext.TryGetValue<IMailboxObserver[]>(ReadersKey, out var readers);
        _observersHandedOver = (owners ?? [], readers ?? []);
    }

    /// <summary>The handed-over index, when it is the one the manifest names; anything else loads as usual.</summary>
    private UserIndex? TakeHandedOver(UserManifest manifest)
    {
        if (_handedOver is not { } handed)
        {
            return null;
        }

        _handedOver = null;
        return handed.Seq == manifest.Seq && handed.Writer == manifest.Writer ? IndexReader.ReadSnapshot(handed.Index) : null;
    }

    private void TakeHandedOverObservers()
    {
        if (_observersHandedOver is { } handed)
        {
            _observers.Import(handed.Owners, handed.Readers);
            _observersHandedOver = null;
        }
    }
}
