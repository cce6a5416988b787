using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace OrleansMail.Sieve;

/// <summary>
/// Whether a message deserves a vacation answer, and the answer itself (RFC 5230 §4.5–§5, RFC 3834): never to a
/// bounce, a list, bulk or automatic mail, a list robot, or mail not addressed to the user; from the user, to the
/// envelope sender, marked auto-replied, threaded under the original.
/// </summary>
public static class VacationResponse
{
    /// <summary>RFC 2369 and RFC 2919: any of these says the message came through a mailing list.</summary>
    private static readonly string[] ListFields = ["List-Id", "List-Help", "List-Subscribe", "List-Unsubscribe", "List-Post", "List-Owner", "List-Archive"];

    /// <summary>RFC 5230 §4.5: the user must be a recipient named in one of these.</summary>
    private static readonly string[] RecipientFields = ["To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"];

    /// <param name="ownAddresses">The addresses the user receives at (the one this copy came to, at least); :addresses adds to them.</param>
    public static bool ShouldReply(SieveMessage message, SieveVacation vacation, IReadOnlyCollection<string> ownAddresses)
    {
        // §5.1 and RFC 3834 §2: a null sender is a bounce or another automatic message; never answer it.
        var sender = message.EnvelopeFrom.ToLowerInvariant();
        var at = sender.LastIndexOf('@');
        if (at <= 0)
        {
            return false;
        }

        // §4.6: list robots and daemons.
        var local = sender[..at];
        if (local is "mailer-daemon" or "listserv" or "majordomo" or "postmaster" || local.StartsWith("owner-", StringComparison.Ordinal) || local.EndsWith("-request", StringComparison.Ordinal) || local.StartsWith("bounce", StringComparison.Ordinal))
        {
            return false;
        }

        // RFC 3834 §2: nothing automatic answers anything automatic.
        if (message.HeaderValues("Auto-Submitted").Any(v => !v.StartsWith("no", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (ListFields.Any(f => message.HeaderValues(f).Any()) ||
            message.HeaderValues("Precedence").Any(v => v.Equals("bulk", StringComparison.OrdinalIgnoreCase) || v.Equals("list", StringComparison.OrdinalIgnoreCase) || v.Equals("junk", StringComparison.OrdinalIgnoreCase)) ||
            message.HeaderValues("X-Auto-Response-Suppress").Any(v => v.Contains("OOF", StringComparison.OrdinalIgnoreCase) || v.Contains("All", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var mine = ownAddresses.Concat(vacation.Addresses).Select(a => a.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        if (mine.Contains(sender))
        {
            return false;
        }

        // §4.5: only mail that names the user, not mail that reached them as Bcc of a list or an alias.
        return RecipientFields.SelectMany(message.HeaderAddresses).Any(a => mine.Contains(a.ToLowerInvariant()));
    }

    /// <summary>What the once-per-days rule remembers: this vacation (its handle) answered this sender.</summary>
    public static string TrackingKey(SieveVacation vacation, string sender) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{vacation.Handle}\0{sender.ToLowerInvariant()}")))[..32].ToLowerInvariant();

    /// <summary>The answer: from :from or the user's address, to the envelope sender, threaded under the original (§5).</summary>
    public static MimeMessage Build(SieveMessage message, SieveVacation vacation, string ownAddress, DateTimeOffset now)
    {
        var from = MailboxAddress.Parse(vacation.From ?? ownAddress);
        var reply = new MimeMessage { Date = now, MessageId = MimeUtils.GenerateMessageId(from.Domain) };
        reply.From.Add(from);
        reply.To.Add(MailboxAddress.Parse(message.EnvelopeFrom));

        // §5.5: "Auto:" and the original subject when the script names none.
        var original = message.HeaderValues("Subject").FirstOrDefault() ?? "";
        reply.Subject = vacation.Subject ?? ("Auto: " + original).TrimEnd();

        if (message.HeaderValues("Message-ID").FirstOrDefault() is { } id && MimeUtils.EnumerateReferences(id).FirstOrDefault() is { } parsedId)
        {
            reply.InReplyTo = parsedId;
            foreach (var reference in message.HeaderValues("References").SelectMany(r => MimeUtils.EnumerateReferences(r)))
            {
                reply.References.Add(reference);
            }

            reply.References.Add(parsedId);
        }

        // RFC 3834 §5: so the other side's own responder stays quiet.
        reply.Headers.Add("Auto-Submitted", "auto-replied (vacation)");
        if (vacation.Mime)
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(vacation.Reason));
            reply.Body = MimeEntity.Load(stream);
        }
        else
        {
            reply.Body = new TextPart("plain") { Text = vacation.Reason };
        }

        return reply;
    }
}
