namespace OrleansMail.Index.Model;

/// <summary>
/// Where a METADATA entry (RFC 5464) lives: a mailbox's id, or <see cref="Guid.Empty"/> for the server, and the
/// entry's name in lower case ("/private/comment"). Ordered, so snapshots are canonical.
/// </summary>
public readonly record struct MetadataKey(Guid MailboxId, string Entry) : IComparable<MetadataKey>
{
    public int CompareTo(MetadataKey other)
    {
        var byMailbox = MailboxId.CompareTo(other.MailboxId);
        return byMailbox != 0 ? byMailbox : string.CompareOrdinal(Entry, other.Entry);
    }

    public static bool operator <(MetadataKey left, MetadataKey right) => left.CompareTo(right) < 0;

    public static bool operator >(MetadataKey left, MetadataKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(MetadataKey left, MetadataKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(MetadataKey left, MetadataKey right) => left.CompareTo(right) >= 0;
}
