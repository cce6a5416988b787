using Microsoft.Extensions.Logging;

namespace OrleansMail.Grains;

/// <summary>The store's log events (ids 2000–2999): leases, checkpoints, recovery, merges, body GC.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Unreadable local journal {Path} left in place")]
    public static partial void LocalJournalUnreadable(ILogger logger, Exception exception, string? path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Uploaded {Count} never-checkpointed journal entries of {User} as {Segment}")]
    public static partial void OrphanJournalUploaded(ILogger logger, long count, string? user, string? segment);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Could not upload the local journal {Path} of {User}; kept for the next start")]
    public static partial void OrphanJournalUploadFailed(ILogger logger, string? path, string? user);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Could not upload local journals of {User}; the next start retries")]
    public static partial void OrphanJournalsUploadFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "User {User}: {Count} returned segments merged")]
    public static partial void ReturnedSegmentsMerged(ILogger logger, string? user, long count);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "User {User}: asking for the merge of returned segments failed")]
    public static partial void ReturnedSegmentsMergeRequestFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Looking for never-checkpointed journals in {Cache}")]
    public static partial void LookingForOrphanJournals(ILogger logger, string? cache);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Merged {Segments} diverged segments of {User}: {Reassigned} UIDs renumbered, {Renamed} mailboxes renamed")]
    public static partial void ReconciliationMerged(ILogger logger, long segments, string? user, long reassigned, long renamed);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Activation of {User} failed")]
    public static partial void ActivationFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "User {User}: looking for foreign segments failed; the next scan retries")]
    public static partial void ForeignSegmentScanFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Could not hand over the journal of fenced {User}; this silo's next start does")]
    public static partial void FencedJournalHandOverFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Deactivating {User} without a final checkpoint")]
    public static partial void DeactivatingWithoutFinalCheckpoint(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "User {User}: previous holder {Holder} ended uncleanly; raising counters and recovering")]
    public static partial void PreviousHolderEndedUncleanly(ILogger logger, string? user, string? holder);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "User {User}: merged {Count} diverged segments of activation {Activation} ({Reassigned} UIDs renumbered)")]
    public static partial void DivergedSegmentsMerged(ILogger logger, string? user, long count, Guid activation, long reassigned);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "User {User}: segments {Segments} start from checkpoint {Base}, below the kept history: {Salvaged} messages brought back, {Present} already here, {Lost} older flag changes or expunges not placed")]
    public static partial void SegmentsSalvaged(ILogger logger, string? user, string segments, long @base, long salvaged, long present, long lost);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "User {User}: {Count} returned records in {Mailbox} name bodies collected while their journal was away; expunged")]
    public static partial void ReturnedRecordsOfCollectedBodiesExpunged(ILogger logger, string? user, long count, string? mailbox);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Warning, Message = "User {User}: recovery indexed {Count} bodies from bucket {Floor} on")]
    public static partial void RecoveryIndexedBodies(ILogger logger, string? user, long count, string? floor);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Warning, Message = "User {User}: lease renewal timed out; writes stop when it lapses")]
    public static partial void LeaseRenewalTimedOut(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2019, Level = LogLevel.Error, Message = "User {User}: lease lost to another holder; this activation stops writing")]
    public static partial void LeaseLost(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "User {User}: lease renewal failed; writes stop when it lapses")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Debug, Message = "Could not abandon the lease of {User}; it will expire")]
    public static partial void LeaseAbandonFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Debug, Message = "User {User}: body GC deferred")]
    public static partial void BodyGCDeferred(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Warning, Message = "User {User}: checkpoint failed; {Pending} changes stay in the local journal")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string? user, long pending);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Error, Message = "User {User}: checkpoint {Seq} lost the manifest race; another writer exists. Fencing this activation; its segment stays for the merge")]
    public static partial void CheckpointLostManifestRace(ILogger logger, Exception exception, string? user, long seq);

    [LoggerMessage(EventId = 2025, Level = LogLevel.Debug, Message = "User {User}: deleting compacted {Object} failed; the next checkpoint retries")]
    public static partial void CompactedObjectDeleteFailed(ILogger logger, Exception exception, string? user, string? @object);

    [LoggerMessage(EventId = 2026, Level = LogLevel.Information, Message = "User {User}: checkpoint {Seq} had landed although its answer was lost; adopted")]
    public static partial void LandedCheckpointAdopted(ILogger logger, string? user, long seq);

    [LoggerMessage(EventId = 2027, Level = LogLevel.Information, Message = "User {User}: body GC waits for unmerged segment {Segment}")]
    public static partial void BodyGCWaitsUnmergedSegment(ILogger logger, string? user, string? segment);

    [LoggerMessage(EventId = 2028, Level = LogLevel.Debug, Message = "User {User}: deleting body {Body} failed; retried later")]
    public static partial void BodyDeleteFailed(ILogger logger, Exception exception, string? user, Guid body);

    [LoggerMessage(EventId = 2029, Level = LogLevel.Debug, Message = "User {User}: moving bodies to the cool class stopped after {Moved}; retried at the next pass")]
    public static partial void CoolingStopped(ILogger logger, Exception exception, string? user, long moved);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Information, Message = "User {User}: {Moved} bodies moved to the cool storage class")]
    public static partial void BodiesCooled(ILogger logger, string? user, long moved);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Debug, Message = "User {User}: cooling pass deferred")]
    public static partial void CoolingPassDeferred(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2032, Level = LogLevel.Warning, Message = "User {User}: a COPY failed partway; its {Count} copies were expunged again")]
    public static partial void CopyUndone(ILogger logger, string? user, long count);

    [LoggerMessage(EventId = 2033, Level = LogLevel.Debug, Message = "Dropped an observer of {User} that failed a notification")]
    public static partial void ObserverDropped(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2034, Level = LogLevel.Error, Message = "User {User}: lease lost to another holder while idle; this activation stops writing")]
    public static partial void LeaseLostWhileIdle(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 2035, Level = LogLevel.Information, Message = "User {User}: handed over to the next silo ({IndexBytes} bytes of index, {Observers} observers)")]
    public static partial void HandedOver(ILogger logger, string? user, int indexBytes, int observers);

    [LoggerMessage(EventId = 2036, Level = LogLevel.Information, Message = "User {User}: moving to silo {Silo}")]
    public static partial void Moving(ILogger logger, string? user, string silo);

    [LoggerMessage(EventId = 2037, Level = LogLevel.Information, Message = "Stopping: moving {Users} active users to {Silos} other silos")]
    public static partial void Draining(ILogger logger, int users, int silos);

    [LoggerMessage(EventId = 2038, Level = LogLevel.Information, Message = "Stopping: {Moved} users moved ({HandedOver} with their index handed over), {Left} end here, in {Milliseconds:F0} ms")]
    public static partial void Drained(ILogger logger, int moved, int handedOver, int left, double milliseconds);

    [LoggerMessage(EventId = 2039, Level = LogLevel.Warning, Message = "Stopping: user {User} could not be moved or its new place confirmed")]
    public static partial void DrainMoveFailed(ILogger logger, Exception exception, string user);

    [LoggerMessage(EventId = 2040, Level = LogLevel.Information, Message = "User {User}: full-text index loaded from {From} ({Documents} messages)")]
    public static partial void FullTextLoaded(ILogger logger, string user, string from, int documents);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Information, Message = "User {User}: filling the full-text index from {Waiting} stored messages")]
    public static partial void FullTextFilling(ILogger logger, string user, int waiting);

    [LoggerMessage(EventId = 2042, Level = LogLevel.Information, Message = "User {User}: full-text index filled, {Filled} messages read in {Seconds:F1} s")]
    public static partial void FullTextFilled(ILogger logger, string user, int filled, double seconds);

    [LoggerMessage(EventId = 2043, Level = LogLevel.Warning, Message = "User {User}: full-text index not loaded; it is filled from the messages")]
    public static partial void FullTextLoadFailed(ILogger logger, Exception exception, string user);

    [LoggerMessage(EventId = 2044, Level = LogLevel.Warning, Message = "User {User}: full-text index not uploaded; the next checkpoint tries again")]
    public static partial void FullTextPublishFailed(ILogger logger, Exception exception, string user);

    [LoggerMessage(EventId = 2045, Level = LogLevel.Warning, Message = "User {User}: full-text index is {Bytes} bytes, over OrleansMail:FullText:MaxIndexBytesPerUser; new messages are searched by reading them")]
    public static partial void FullTextOverBudget(ILogger logger, string user, long bytes);

    [LoggerMessage(EventId = 2046, Level = LogLevel.Debug, Message = "User {User}: message {Body} not indexed from its body")]
    public static partial void FullTextFillFailed(ILogger logger, Exception exception, string user, Guid body);

    [LoggerMessage(EventId = 2047, Level = LogLevel.Information, Message = "User {User}: full-text index uploaded ({Files} new files, {Bytes} bytes, {Documents} messages)")]
    public static partial void FullTextPublished(ILogger logger, string user, int files, long bytes, int documents);

    [LoggerMessage(EventId = 2048, Level = LogLevel.Information, Message = "User {User}: full-text index dropped by an administrator; filling it again from the messages")]
    public static partial void FullTextRebuild(ILogger logger, string user);

    [LoggerMessage(EventId = 2049, Level = LogLevel.Warning, Message = "User {User}: full-text index work ended with an error; what it wrote stays, the next reconcile queues the rest")]
    public static partial void FullTextWorkFailed(ILogger logger, Exception exception, string user);

    [LoggerMessage(EventId = 2050, Level = LogLevel.Debug, Message = "User {User}: activation ends ({Reason})")]
    public static partial void Deactivating(ILogger logger, string user, DeactivationReason reason);
}
