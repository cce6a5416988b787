using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// One user's mail store: the only writer of the user's index and manifest (key: canonical user id). Protocol
/// neutral; IMAP and LMTP map their commands onto these calls. Errors are <see cref="Errors.MailStoreException"/>.
/// </summary>
[Alias("om.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("list")]
    Task<MailboxInfo[]> ListMailboxesAsync();

    /// <summary>A mailbox by name; INBOX and the special-use names (Drafts, Sent, Trash, Junk, Archive) are created on first use.</summary>
    [Alias("get")]
    Task<MailboxInfo> GetMailboxAsync(string name);

    /// <summary>Creates a mailbox (and the parents it needs); with <paramref name="quota"/>, one that would pass its MAILBOX limit is refused.</summary>
    [Alias("create")]
    Task<MailboxInfo> CreateMailboxAsync(string name, SpecialUse specialUse = SpecialUse.None, QuotaLimits? quota = null);

    /// <summary>Renames a mailbox and its children; renaming INBOX moves its messages into a new mailbox (RFC 3501 §6.3.5).</summary>
    [Alias("rename")]
    Task RenameMailboxAsync(string oldName, string newName);

    [Alias("delete")]
    Task DeleteMailboxAsync(string name);

    [Alias("subscribe")]
    Task SetSubscriptionAsync(string name, bool subscribed);

    /// <summary>Every subscribed name, whether a mailbox of that name exists or not (RFC 3501 §6.3.6 keeps both).</summary>
    [Alias("subscriptions")]
    Task<string[]> ListSubscriptionsAsync();

    [Alias("save")]
    Task<SaveResult> SaveAsync(SaveRequest request);

    /// <summary>Records with UIDs in the set (and modseq above <paramref name="changedSince"/> when not 0), in UID order.</summary>
    [Alias("fetch")]
    Task<MessageView[]> FetchAsync(Guid mailboxId, UidSet uids, ulong changedSince = 0);

    /// <summary>
    /// SELECT's load: the records from <paramref name="fromUid"/> up, at most <paramref name="limit"/> (and at most
    /// 65,536) per page, in columns.
    /// </summary>
    [Alias("list-messages")]
    Task<MessageListing> ListMessagesAsync(Guid mailboxId, uint fromUid, int limit);

    /// <summary>Changes flags; records whose modseq exceeds <paramref name="unchangedSince"/> (when not 0) are left alone and reported.</summary>
    [Alias("store")]
    Task<StoreResult> StoreFlagsAsync(Guid mailboxId, UidSet uids, FlagOperation operation, MessageFlags flags, string[] keywords, ulong unchangedSince = 0);

    /// <summary>Expunges the \Deleted messages, all of them or only those in <paramref name="uids"/> (UID EXPUNGE).</summary>
    [Alias("expunge")]
    Task<ExpungeResult> ExpungeAsync(Guid mailboxId, UidSet? uids = null);

    /// <summary>COPY or MOVE; with <paramref name="quota"/>, a copy that would pass it is refused whole (a move adds nothing to the usage).</summary>
    [Alias("copy")]
    Task<CopyResult> CopyAsync(Guid sourceMailboxId, UidSet uids, Guid destinationMailboxId, bool move, QuotaLimits? quota = null);

    /// <summary>What the user's messages count against a quota, kept exactly by the index.</summary>
    [Alias("quota-usage")]
    Task<QuotaUsage> GetQuotaUsageAsync();

    /// <summary>
    /// Sets the user's quota limits, replacing those of its directory rules (RFC 9208 SETQUOTA by an administrator);
    /// null removes them. The owner's call only: another user's session is refused, so an administrator acts on no
    /// one's behalf.
    /// </summary>
    [Alias("quota.set")]
    Task SetQuotaLimitsAsync(QuotaLimits? limits);

    /// <summary>Counts the usage again from the records (admin `quota recalc`); returns it before and after.</summary>
    [Alias("quota.recount")]
    Task<QuotaUsage[]> RecountQuotaAsync();

    /// <summary>A mailbox's access control list (RFC 4314 GETACL); the caller needs the "a" right.</summary>
    [Alias("acl.get")]
    Task<AclEntry[]> GetAclAsync(string mailbox);

    /// <summary>Sets an identifier's rights on a mailbox, or removes its entry when <paramref name="rights"/> is null (SETACL, DELETEACL).</summary>
    [Alias("acl.set")]
    Task SetAclAsync(string mailbox, string identifier, MailboxRights? rights);

    /// <summary>What the caller may do in a mailbox (MYRIGHTS).</summary>
    [Alias("acl.mine")]
    Task<MailboxRights> GetMyRightsAsync(string mailbox);

    /// <summary>
    /// Tells this user that <paramref name="owner"/> has granted it rights, so LIST looks there for shared mailboxes.
    /// One-way: the owner's grain does not wait inside its turn for another user's (two users granting each other
    /// at once would each wait for the other); a notice lost leaves the grant in force, unlisted until granted again.
    /// </summary>
    [Alias("shared.note")]
    [Orleans.Concurrency.OneWay]
    Task NoteSharedByAsync(string owner);

    /// <summary>The users who have shared mailboxes with this user (whose grants may since have been taken back).</summary>
    [Alias("shared.owners")]
    Task<string[]> ListSharedByAsync();

    /// <summary>The UIDs of <paramref name="owner"/>'s mailbox this user has seen (its own \Seen on a shared mailbox), for that UIDVALIDITY.</summary>
    [Alias("seen.get")]
    Task<UidSet> GetPrivateSeenAsync(string owner, Guid mailboxId, uint uidValidity);

    /// <summary>
    /// How many of a mailbox's messages are not among <paramref name="seen"/>: the UNSEEN of a reader whose \Seen of
    /// this shared mailbox is its own, counted where the records are rather than by shipping them all.
    /// </summary>
    [Alias("seen.unseen")]
    Task<int> CountUnseenAsync(Guid mailboxId, UidSet seen);

    /// <summary>Marks <paramref name="uids"/> seen or not seen in this user's own \Seen of another user's mailbox; returns the whole set.</summary>
    [Alias("seen.set")]
    Task<UidSet> SetPrivateSeenAsync(string owner, Guid mailboxId, uint uidValidity, UidSet uids, bool seen);

    /// <summary>The METADATA entries (RFC 5464) of a mailbox, or of the server's for the user when <paramref name="mailbox"/> is empty.</summary>
    [Alias("metadata.get")]
    Task<MetadataEntry[]> GetMetadataAsync(string mailbox);

    /// <summary>Sets entries, and removes those whose value is null: all of them or, when a limit refuses one, none.</summary>
    [Alias("metadata.set")]
    Task<MetadataRefusal> SetMetadataAsync(string mailbox, MetadataEntry[] changes);

    /// <summary>
    /// RFC 3501's \Recent: the first session to learn of a message claims it. Claims every message up to
    /// <paramref name="upToUid"/> (0 claims none, as EXAMINE and STATUS must not) and returns the lowest UID that
    /// was still unclaimed before this call: the caller shows messages from there up as \Recent.
    /// </summary>
    [Alias("recent")]
    Task<uint> ClaimRecentAsync(Guid mailboxId, uint upToUid);

    [Alias("changes")]
    Task<ChangeSet> GetChangesAsync(Guid mailboxId, ulong sinceModSeq);

    /// <summary>The stored summaries of these bodies, null where none is stored yet (recovered messages).</summary>
    [Alias("summaries.get")]
    Task<byte[]?[]> GetSummariesAsync(Guid[] bodyIds);

    /// <summary>Stores a summary computed later (for a body indexed by recovery).</summary>
    [Alias("summaries.put")]
    Task PutSummaryAsync(Guid bodyId, byte[] summary);

    [Alias("observe")]
    Task SubscribeAsync(IMailboxObserver observer);

    [Alias("unobserve")]
    Task UnsubscribeAsync(IMailboxObserver observer);

    [Alias("stats")]
    Task<UserStats> GetStatsAsync();

    /// <summary>The user's Sieve scripts (RFC 5804 LISTSCRIPTS).</summary>
    Task<SieveScriptInfo[]> ListSieveScriptsAsync();

    /// <summary>A script's source; NotFound when there is none of that name.</summary>
    Task<string> GetSieveScriptAsync(string name);

    /// <summary>
    /// Stores a script after compiling it (PUTSCRIPT): Invalid with the line and column of what is wrong, OverQuota
    /// when it is too large, Limit when the user has as many scripts as allowed.
    /// </summary>
    Task PutSieveScriptAsync(string name, string source);

    /// <summary>Whether a script of this name and size could be stored (HAVESPACE): throws as PutSieveScriptAsync would.</summary>
    Task CheckSieveSpaceAsync(string name, long size);

    /// <summary>Compiles a script without storing it (CHECKSCRIPT): Invalid with the line and column of what is wrong.</summary>
    Task CheckSieveScriptAsync(string source);

    /// <summary>Renames a script, which stays active if it was (RENAMESCRIPT): NotFound, AlreadyExists.</summary>
    Task RenameSieveScriptAsync(string oldName, string newName);

    /// <summary>Makes a script the one deliveries run, or none with null (SETACTIVE).</summary>
    Task SetActiveSieveScriptAsync(string? name);

    /// <summary>Deletes a script; the active one cannot be deleted (RFC 5804 §2.10): InUse.</summary>
    Task DeleteSieveScriptAsync(string name);

    /// <summary>The script deliveries run, or null; given the version the caller holds, only whether it is still current.</summary>
    Task<ActiveSieveScript?> GetActiveSieveScriptAsync(string? knownVersion = null);

    /// <summary>Whether a vacation reply under this key (handle and sender, RFC 5230 §4.2) went out within the period.</summary>
    Task<bool> HasAutoRepliedAsync(string key, TimeSpan period);

    /// <summary>Records that a vacation reply under this key went out now; kept in the index, so it holds across restarts and failover.</summary>
    Task RecordAutoReplyAsync(string key);

    /// <summary>The duplicate test's memory (RFC 7352): when each tracked message key was last recorded, in Unix seconds.</summary>
    Task<Dictionary<string, long>> GetDuplicateTrackingAsync();

    /// <summary>Records delivered messages' keys as seen now: the first sighting stands for <paramref name="firstKeys"/>, moves to now for <paramref name="lastKeys"/>.</summary>
    Task RecordDuplicatesAsync(string[] firstKeys, string[] lastKeys);

    /// <summary>Uploads the journal tail now (admin `checkpoint`; tests).</summary>
    [Alias("checkpoint")]
    Task CheckpointAsync();

    /// <summary>Deletes tombstoned bodies past the grace period; returns how many.</summary>
    [Alias("gc")]
    Task<int> CollectGarbageAsync();

    /// <summary>Moves bodies older than Store:CoolAfter and at least Store:CoolMinBytes to the cool storage class; returns how many.</summary>
    [Alias("cool")]
    Task<int> CoolBodiesAsync();

    /// <summary>Compares the index with the stored bodies; reports, never deletes (admin `verify`).</summary>
    [Alias("verify")]
    Task<VerifyReport> VerifyAsync();

    /// <summary>Runs recovery now: indexes every stored body no record or tombstone names (idempotent); returns how many (admin `recover`).</summary>
    [Alias("recover")]
    Task<int> RecoverNowAsync();

    /// <summary>Checkpoints, releases the lease and deactivates (admin; tests).</summary>
    [Alias("deactivate")]
    Task DeactivateAsync();

    /// <summary>
    /// Merges, while active, the index segments in the store that this activation has neither applied nor merged (a
    /// returning node's upload, a zombie's hand-over); sessions hear of the merged changes as of any other. Returns
    /// how many segments were merged.
    /// </summary>
    Task<int> MergeForeignSegmentsAsync();

    /// <summary>
    /// Moves the user to another silo once it is idle, its index and its sessions' observers with it (admin `user
    /// move`; a draining silo): to the silo named (its address, endpoint or name), or to another active one when
    /// null. Returns the silo it goes to; the move itself follows the call.
    /// </summary>
    [Alias("move")]
    Task<string> MoveAsync(string? silo);

    /// <summary>
    /// What the full-text index says of each text key in one mailbox (in <paramref name="criteria"/> order); null
    /// when there is no index (disabled), and the caller reads every message. A message not indexed yet is a
    /// candidate, never left out.
    /// </summary>
    [Alias("fts.search")]
    Task<TextAnswer[]?> SearchTextAsync(Guid mailboxId, TextCriterion[] criteria);

    /// <summary>A fuzzy search (RFC 6203) of one mailbox: the messages whose words resemble those of <paramref name="text"/>, by relevancy; null without an index.</summary>
    [Alias("fts.fuzzy")]
    Task<FuzzyMatch[]?> FuzzySearchAsync(Guid mailboxId, TextScope field, string text);

    /// <summary>The full-text index now (admin `fts status`).</summary>
    [Alias("fts.status")]
    Task<FullTextStatus> GetFullTextStatusAsync();

    /// <summary>Drops the full-text index and fills it again from the bodies, in the background (admin `fts rebuild`).</summary>
    [Alias("fts.rebuild")]
    Task<FullTextStatus> RebuildFullTextAsync();
}
