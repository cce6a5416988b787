using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// QUOTA (RFC 9208): one quota root per user, over every mailbox, with the STORAGE and MESSAGE resources its limits
/// name. Limits come from the user's quota rules (docs/operations.md, "Quotas"); SETQUOTA is refused, as they are
/// the administrator's.
/// </summary>
internal sealed class QuotaHandler(ImapSessionContext session)
{
    /// <summary>The root's name: Dovecot's example name, since some clients show nothing for an empty one.</summary>
    public const string RootName = "User quota";

    public async Task<string?> GetQuotaRootAsync(MailboxRequest request)
    {
        var name = ImapSessionContext.RequireMailbox(request.Mailbox);
        try
        {
            await session.Grain.GetMailboxAsync(name).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("NONEXISTENT", "No such mailbox");
        }

        session.Out.Raw("* QUOTAROOT ");
        session.Out.AString(session.WireName(name));
        if (session.User.Quota is { IsLimited: true } limits)
        {
            session.Out.Raw(" ");
            session.Out.AString(RootName);
            session.Out.Raw("\r\n");
            await WriteQuotaAsync(limits).ConfigureAwait(false);
        }
        else
        {
            session.Out.Raw("\r\n");
        }

        return "GETQUOTAROOT completed";
    }

    public async Task<string?> GetQuotaAsync(QuotaRequest request)
    {
        if (request.Root != RootName || session.User.Quota is not { IsLimited: true } limits)
        {
            throw new ImapNoException("NONEXISTENT", "No such quota root");
        }

        await WriteQuotaAsync(limits).ConfigureAwait(false);
        return "GETQUOTA completed";
    }

    public Task<string?> SetQuotaAsync(QuotaRequest request) => request.Root == RootName && session.User.Quota is { IsLimited: true }
        ? throw new ImapNoException("NOPERM", "Quotas are set by the administrator")
        : throw new ImapNoException("NONEXISTENT", "No such quota root");

    /// <summary>Octets in RFC 9208's unit of 1024 octets, rounded up: a mailbox that uses anything never shows 0.</summary>
    public static long KiB(long bytes) => (bytes + 1023) / 1024;

    /// <summary>The resources that have a limit, usage first (RFC 9208 §5.1).</summary>
    private async Task WriteQuotaAsync(QuotaLimits limits)
    {
        QuotaUsage usage = await session.Grain.GetQuotaUsageAsync().ConfigureAwait(false);
        var resources = new List<string>();
        if (limits.StorageBytes is { } storage)
        {
            resources.Add($"STORAGE {KiB(usage.StorageBytes)} {storage / 1024}");
        }

        if (limits.Messages is { } messages)
        {
            resources.Add($"MESSAGE {usage.Messages} {messages}");
        }

        session.Out.Raw("* QUOTA ");
        session.Out.AString(RootName);
        session.Out.Raw($" ({string.Join(' ', resources)})\r\n");
    }
}
