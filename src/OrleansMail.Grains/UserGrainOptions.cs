namespace OrleansMail.Grains;

/// <summary>Tuning of UserGrain: lease, checkpoints, the allocation cap, recovery and body GC (section OrleansMail:Store).</summary>
public sealed class UserGrainOptions
{
    /// <summary>
    /// Lease length; renewed every quarter of it while writes come, refused for writes in its last quarter
    /// (docs/architecture.md, "Leases": short, 15 s). An idle user's lease lapses; its next write takes it back.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Renew the lease of every active user, busy or idle (the behaviour before idle leases): a billed write per
    /// active user every quarter of <see cref="LeaseDuration"/>, in exchange for a duplicate activation being
    /// refused rather than taking an idle user over. For measurements and cautious operators.
    /// </summary>
    public bool RenewLeaseWhileIdle { get; set; }

    /// <summary>A dirty index is checkpointed at least this often.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A checkpoint is taken as soon as this many journal entries are pending.</summary>
    public int CheckpointChangeThreshold { get; set; } = 2000;

    /// <summary>At most this many UIDs and modseqs are handed out between checkpoints; an unclean activation raises counters by it.</summary>
    public int AllocationCap { get; set; } = 10_000;

    /// <summary>A full snapshot is written after this many segments.</summary>
    public int CompactionSegments { get; set; } = 64;

    /// <summary>How far before the last checkpoint recovery starts listing bodies: covers clock skew and in-flight ingests.</summary>
    public TimeSpan RecoverySkew { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a tombstoned body is kept before GC deletes it.</summary>
    public TimeSpan GarbageGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Bodies older than this move to the cool storage class (Azure's Cool tier: cheaper to keep, dearer to read),
    /// once, by the user's daily pass; zero (the default) leaves every body hot. Old mail is rarely read again.
    /// </summary>
    public TimeSpan CoolAfter { get; set; }

    /// <summary>
    /// Only bodies at least this large move: the move is one billed operation, and below about 100 KiB the
    /// cheaper storage takes more than a year to pay it back.
    /// </summary>
    public long CoolMinBytes { get; set; } = 128 * 1024;

    /// <summary>
    /// Message summaries wait in memory until this many bytes are pending (or the user deactivates) and then go
    /// to the store as one batch: a summary is a cache, rebuilt from its body if a crash loses it, and a batch per
    /// checkpoint would cost a billed write per delivery.
    /// </summary>
    public long SummaryBatchBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Stored summary batches an active user's grain keeps in memory after reading them (a FETCH of a large
    /// mailbox reads many); what passes this is read again from the store when next needed.
    /// </summary>
    public long SummaryCacheBytesPerUser { get; set; } = 1024 * 1024;

    /// <summary>
    /// Disk the local index cache's snapshots may take; past it the least recently saved or read are deleted (their
    /// users' next activation downloads the index). 0 is no limit. Journals are not counted: they hold changes.
    /// </summary>
    public long LocalCacheMaxBytes { get; set; } = 2L << 30;

    /// <summary>Octets of one METADATA value (RFC 5464 MAXSIZE); a client that wants more gets NO [METADATA MAXSIZE n].</summary>
    public int MaxMetadataValueBytes { get; set; } = 16 * 1024;

    /// <summary>METADATA entries one user may hold, over the server's and every mailbox's (RFC 5464 TOOMANY).</summary>
    public int MaxMetadataEntries { get; set; } = 256;

    /// <summary>Octets of names and values all a user's METADATA entries may take: they live in the index, in memory.</summary>
    public long MaxMetadataBytes { get; set; } = 1024 * 1024;

    /// <summary>The silo's local index cache (snapshots and journals); empty disables it.</summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>
    /// Sync the local journal to the disk before acknowledging a change, so a power loss (not only a killed process)
    /// keeps flag changes, expunges, COPYs and folder changes made since the last checkpoint. A delivered or appended
    /// message is not synced for itself: its body carries what recovery indexes it from. Off only on hosts whose
    /// cache disk does not outlive the host anyway.
    /// </summary>
    public bool SyncJournal { get; set; } = true;

    /// <summary>
    /// How often an active user lists its index objects for segments it has not merged (one List call each time):
    /// the backstop for the direct call a returning node makes after its upload.
    /// </summary>
    public TimeSpan ForeignSegmentScanInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a gracefully stopping silo waits for its active users to move to the other silos (live migration, their
    /// index handed over); zero ends them in place instead, as Orleans does, and their next activation loads the index.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Most mailboxes one user may have (CREATE answers NO [LIMIT] past it).</summary>
    public int MaxMailboxes { get; set; } = 10_000;

    /// <summary>
    /// Whether Sieve scripts may send mail (redirect, vacation): set by the host when a submission relay is
    /// configured; without one such scripts are refused when stored.
    /// </summary>
    public bool SieveCanSendMail { get; set; }

    /// <summary>Whether Sieve scripts may add and delete header fields (RFC 5293): OrleansMail:Sieve:EditHeader, off by default.</summary>
    public bool SieveEditHeader { get; set; }

    /// <summary>Most distinct keywords one mailbox may hold (Cyrus: 128 user flags per mailbox).</summary>
    public int MaxKeywordsPerMailbox { get; set; } = 256;

    /// <summary>Expunge history kept per mailbox for QRESYNC before the oldest is folded into DELETEDMODSEQ.</summary>
    public int ExpungeHistoryLimit { get; set; } = 100_000;
}
