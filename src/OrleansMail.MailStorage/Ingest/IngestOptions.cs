namespace OrleansMail.MailStorage.Ingest;

/// <summary>Limits of the one ingest path (section OrleansMail:Ingest).</summary>
public sealed class IngestOptions
{
    /// <summary>Largest message accepted (LMTP SIZE, IMAP APPENDLIMIT): 50 MB by default.</summary>
    public long MaxMessageSize { get; set; } = 50L * 1000 * 1000;

    /// <summary>Messages up to this size spool in memory; larger ones go to a temp file.</summary>
    public int MemorySpoolThreshold { get; set; } = 256 * 1024;

    /// <summary>Where spool files go (0600, deleted on close); the silo host puts them under its data path, never in a shared temp folder.</summary>
    public string TempDirectory { get; set; } = Path.GetTempPath();

    /// <summary>
    /// Characters of text (parts and header values) extracted from each message for the full-text index; past it the
    /// rest is searched by reading the message. 0 extracts nothing (no full-text index).
    /// </summary>
    public int MaxSearchableTextChars { get; set; } = 512 * 1024;
}
