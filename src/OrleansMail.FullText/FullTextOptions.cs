namespace OrleansMail.FullText;

/// <summary>The full-text index (section OrleansMail:FullText): on by default, as a mail administrator expects search to be fast.</summary>
public sealed class FullTextOptions
{
    /// <summary>Keep a full-text index per user; off, SEARCH reads the messages.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The language analyzer for fuzzy search (RFC 6203): standard, english, german, french, spanish, italian, dutch,
    /// portuguese, russian, swedish, simple. Substring SEARCH does not depend on it.
    /// </summary>
    public string Analyzer { get; set; } = "standard";

    /// <summary>Characters of text (parts and header values) indexed per message; past them the rest is searched by reading the message.</summary>
    public int MaxTextChars { get; set; } = 512 * 1024;

    /// <summary>Disk one user's index may take; past it, new messages are searched by reading them (and the logs say so).</summary>
    public long MaxIndexBytesPerUser { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Memory one user's index buffers before it writes a segment to the silo's disk.</summary>
    public double BufferMegabytes { get; set; } = 2;

    /// <summary>Bodies read at once while an index is filled from them (a lost index, messages the ingest did not index).</summary>
    public int FillParallelism { get; set; } = 8;

    /// <summary>
    /// How often a changed index is uploaded to the object store (and always when the user leaves the silo). Each
    /// upload costs a write per new file; an index lost in between is completed from the bodies.
    /// </summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMinutes(10);
}
