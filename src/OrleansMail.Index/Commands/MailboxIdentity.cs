using System.Security.Cryptography;
using System.Text;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Index.Commands;

/// <summary>
/// How a new mailbox gets its id and UIDVALIDITY, so that writers on either side of a failure agree where they
/// can (docs/architecture.md, "The index"): INBOX and the special-use folders created on first use have ids and
/// first UIDVALIDITYs every writer of the user derives alike; every other mailbox is fresh.
/// </summary>
/// <param name="user">The encoded user id, which the well-known ids are derived from.</param>
/// <param name="born">When the user's lease was first written: the base of the derived UIDVALIDITYs.</param>
public sealed class MailboxIdentity(string user, Func<DateTimeOffset> born, TimeProvider time)
{
    /// <summary>INBOX and the folders created on first use, in the order a first LIST creates them.</summary>
    public static readonly IReadOnlyList<string> WellKnownNames = [MailboxName.Inbox, "Drafts", "Sent", "Trash", "Junk", "Archive"];

    /// <summary>The special-use folders a client's first reference creates (RFC 6154 roles); INBOX aside.</summary>
    public static readonly IReadOnlyDictionary<string, SpecialUse> CreatedOnFirstUse = new Dictionary<string, SpecialUse>(StringComparer.OrdinalIgnoreCase)
    {
        ["Drafts"] = SpecialUse.Drafts,
        ["Sent"] = SpecialUse.Sent,
        ["Trash"] = SpecialUse.Trash,
        ["Junk"] = SpecialUse.Junk,
        ["Archive"] = SpecialUse.Archive,
    };

    /// <summary>
    /// A mailbox keeps its id through a rename, so names alone cannot identify mailboxes: only INBOX and the
    /// well-known folders have one id per user (two writers that each create "Sent" create the same mailbox, which
    /// a merge joins instead of renaming one to "Sent-1a2b3c4d"). A well-known name whose id a renamed mailbox
    /// still holds gets a fresh one.
    /// </summary>
    public Guid IdFor(UserIndex index, string normalized)
    {
        if (!MailboxName.IsInbox(normalized) && !WellKnownNames.Contains(normalized, StringComparer.Ordinal))
        {
            return Guid.NewGuid();
        }

        var id = WellKnownId(normalized);
        return index.FindMailbox(id) is null ? id : Guid.NewGuid();
    }

    /// <summary>
    /// The UIDVALIDITY of a new mailbox: above every earlier one of the user (RFC 3501 §2.3.1.1). The first
    /// incarnation of a well-known folder derives it from the lease's birth, which every writer reads alike, so a
    /// merge changes it for no client (mbsync stops at any change of a mailbox it holds messages of).
    /// </summary>
    public uint FirstUidValidity(string normalized, Guid id, uint after)
    {
        // An empty index long after the user's birth is a lost index being rebuilt, not a first activation: its
        // clients hold UIDs under the derived values already, so those must not come back.
        var rank = WellKnownNames.ToList().IndexOf(normalized);
        var bornAt = born();
        var young = time.GetUtcNow() - bornAt < TimeSpan.FromHours(1);
        if (rank >= 0 && id == WellKnownId(normalized) && (after > 0 || young))
        {
            var derived = (uint)Math.Clamp(bornAt.ToUnixTimeSeconds() + rank, 1, uint.MaxValue);
            if (derived > after)
            {
                return derived;
            }
        }

        return NextUidValidity(after);
    }

    /// <summary>A UIDVALIDITY above <paramref name="after"/>, from the clock where it allows.</summary>
    public uint NextUidValidity(uint after) => Math.Max(after + 1, (uint)Math.Min(uint.MaxValue, time.GetUtcNow().ToUnixTimeSeconds()));

    /// <summary>The id INBOX or a well-known folder has for this user.</summary>
    public Guid WellKnownId(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes(name + "\n" + user)).AsSpan(0, 16));
}
