namespace OrleansMail.MailStorage.Memory;

/// <summary>
/// What a silo may hold in memory beyond its body cache (section OrleansMail:Memory), and when it stops taking
/// new work because memory is short. docs/operations.md, "Memory", adds these up.
/// </summary>
public sealed class MemoryOptions
{
    /// <summary>
    /// Memory the silo-wide cache of decoded message summaries may take, as estimated from their encoded size
    /// (three times it plus a fixed cost per entry: strings are UTF-16 and every part and address is an object).
    /// </summary>
    public long SummaryCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// New IMAP logins (NO [UNAVAILABLE]) and LMTP transactions (451 4.3.2) are refused while the process's
    /// resident memory is above this share of the memory it may use (the container's limit, the GC's hard limit
    /// or the machine's); sessions already open carry on.
    /// </summary>
    public int ShedLoadAbovePercent { get; set; } = 90;

    /// <summary>The same as a number of bytes; when set (above 0) it wins over <see cref="ShedLoadAbovePercent"/>.</summary>
    public long ShedLoadAboveBytes { get; set; }

    /// <summary>A user's grain with no calls for this long is deactivated (checkpointed, then its memory freed).</summary>
    public TimeSpan IdleUserDeactivation { get; set; } = TimeSpan.FromMinutes(10);
}
