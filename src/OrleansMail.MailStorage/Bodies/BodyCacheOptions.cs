namespace OrleansMail.MailStorage.Bodies;

/// <summary>The silo's body cache (section OrleansMail:BodyCache): bodies are immutable, so any copy is good forever.</summary>
public sealed class BodyCacheOptions
{
    /// <summary>Memory all cached bodies and headers may take together.</summary>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Bodies up to this size are read whole and cached; larger ones are read by range each time.</summary>
    public long MaxCachedBody { get; set; } = 4L * 1024 * 1024;

    /// <summary>How many body reads one session runs at once when a FETCH or SEARCH touches many messages.</summary>
    public int PrefetchParallelism { get; set; } = 16;
}
