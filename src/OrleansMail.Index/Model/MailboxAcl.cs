using System.Text;
using OrleansMail.Mail;

namespace OrleansMail.Index.Model;

/// <summary>
/// Access control lists (RFC 4314) kept among a mailbox's attributes, one entry per identifier ("acl/bob" holds
/// bob's rights letters), so they are journaled, checkpointed and merged like METADATA (the later change wins per
/// identifier) and follow the mailbox through renames. The server entries "shared-by/{owner}" remember who has
/// shared mailboxes with this user, so LIST asks those owners and no others.
/// </summary>
public static class MailboxAcl
{
    public const string EntryPrefix = "acl/";

    public const string SharedByPrefix = "shared-by/";

    /// <summary>RFC 4314 §2's special identifiers: every user, and every user who logged in (here the same).</summary>
    public static readonly string[] Everyone = ["anyone", "authenticated"];

    public static string EntryName(string identifier) => EntryPrefix + identifier;

    public static string SharedByName(string owner) => SharedByPrefix + owner;

    public static byte[] Encode(MailboxRights rights) => Encoding.ASCII.GetBytes(MailboxRightsText.Format(rights, obsolete: false));

    /// <summary>Each identifier with its rights on <paramref name="mailbox"/>, negative ones ("-bob") included, by identifier.</summary>
    public static IEnumerable<(string Identifier, MailboxRights Rights)> Entries(UserIndex index, Guid mailbox) =>
        index.MetadataOf(mailbox)
            .Where(kv => kv.Key.Entry.StartsWith(EntryPrefix, StringComparison.Ordinal))
            .Select(kv => (kv.Key.Entry[EntryPrefix.Length..], Decode(kv.Value.Value)));

    /// <summary>
    /// What <paramref name="accessor"/> may do in <paramref name="mailbox"/> (RFC 4314 §2): the owner everything; anyone
    /// else the union of its own entry and the "anyone" and "authenticated" entries, less every negative entry that
    /// names it.
    /// </summary>
    public static MailboxRights RightsOf(UserIndex index, Guid mailbox, string owner, string accessor)
    {
        if (string.Equals(accessor, owner, StringComparison.Ordinal))
        {
            return MailboxRights.All;
        }

        MailboxRights granted = MailboxRights.None, denied = MailboxRights.None;
        foreach (var (identifier, rights) in Entries(index, mailbox))
        {
            var negative = identifier.StartsWith('-');
            var who = negative ? identifier[1..] : identifier;
            if (who == accessor || Everyone.Contains(who))
            {
                if (negative)
                {
                    denied |= rights;
                }
                else
                {
                    granted |= rights;
                }
            }
        }

        return granted & ~denied;
    }

    /// <summary>The owners who have shared a mailbox with this user, as their grants told this user's index.</summary>
    public static IEnumerable<string> SharedBy(UserIndex index) =>
        index.MetadataOf(Guid.Empty).Where(kv => kv.Key.Entry.StartsWith(SharedByPrefix, StringComparison.Ordinal)).Select(kv => kv.Key.Entry[SharedByPrefix.Length..]);

    private static MailboxRights Decode(byte[] value) => MailboxRightsText.TryParse(Encoding.ASCII.GetString(value), out var rights) ? rights : MailboxRights.None;
}
