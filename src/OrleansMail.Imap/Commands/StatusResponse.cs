using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>One STATUS response (RFC 3501 §7.2.4), sent by STATUS and for each mailbox by LIST ... RETURN (STATUS ...) (RFC 5819).</summary>
internal static class StatusResponse
{
    /// <summary>
    /// A mailbox of <paramref name="owner"/>'s with this user's own \Seen in its UNSEEN count (another user's mailbox:
    /// the reader's \Seen is its own), so STATUS and LIST-STATUS agree with what SELECT shows. The owner's grain counts
    /// it against the reader's set, only when UNSEEN is asked for: the mailbox's records do not cross the wire.
    /// </summary>
    public static async Task<MailboxInfo> WithOwnSeenAsync(ImapSessionContext session, string owner, MailboxInfo info, IReadOnlyList<string> items)
    {
        if (!items.Contains("UNSEEN", StringComparer.OrdinalIgnoreCase))
        {
            return info;
        }

        var seen = await session.Grain.GetPrivateSeenAsync(owner, info.Id, info.UidValidity).ConfigureAwait(false);
        return info with { Unseen = await session.Services.Grains.GetGrain<IUserGrain>(owner).CountUnseenAsync(info.Id, seen).ConfigureAwait(false) };
    }

    public static void Write(ImapSessionContext session, MailboxInfo info, IReadOnlyList<string> items)
    {
        var values = new List<string>();
        foreach (var item in items)
        {
            values.Add(item switch
            {
                "MESSAGES" => $"MESSAGES {info.Messages}",
                "RECENT" => $"RECENT {info.Recent}",
                "UIDNEXT" => $"UIDNEXT {info.UidNext}",
                "UIDVALIDITY" => $"UIDVALIDITY {info.UidValidity}",
                "UNSEEN" => $"UNSEEN {info.Unseen}",
                "SIZE" => $"SIZE {info.Size}",
                "HIGHESTMODSEQ" => $"HIGHESTMODSEQ {Math.Max(1, info.HighestModSeq)}",
                "MAILBOXID" => $"MAILBOXID (F{info.Id:N})",
                "DELETED" => $"DELETED {info.Deleted}",
                "DELETED-STORAGE" => $"DELETED-STORAGE {QuotaHandler.KiB(info.DeletedSize)}", // RFC 9208 §4.2: what EXPUNGE would give back
                _ => throw new ImapSyntaxException($"Unknown STATUS item {item}"),
            });
        }

        if (items.Contains("HIGHESTMODSEQ"))
        {
            session.Extensions.EnableCondStore(); // RFC 7162 §3.1: a CONDSTORE-enabling command
        }

        session.Out.Raw("* STATUS ");
        session.Out.AString(session.WireName(info.Name));
        session.Out.Raw($" ({string.Join(' ', values)})\r\n");
    }
}
