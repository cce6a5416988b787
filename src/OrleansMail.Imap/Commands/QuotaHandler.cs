using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// QUOTA (RFC 9208): one quota root per user, over every mailbox, with the STORAGE, MESSAGE and MAILBOX resources
/// its limits name. Limits come from the user's quota rules (docs/operations.md, "Quotas"), or from what an administrator set
/// with SETQUOTA, which the user's grain keeps. The users named in <c>Imap:QuotaAdmins</c> reach any user's root as
/// "user/NAME" (Cyrus's form) and may set it; everyone else only reads its own.
/// </summary>
internal sealed class QuotaHandler(ImapSessionContext session)
{
    /// <summary>The root's name: Dovecot's example name, since some clients show nothing for an empty one.</summary>
    public const string RootName = "User quota";

    /// <summary>The prefix of another user's root, for an administrator.</summary>
    public const string UserRootPrefix = "user/";

    public bool IsAdministrator => session.Options.QuotaAdmins.Contains(session.User.UserId, StringComparer.OrdinalIgnoreCase);

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

        var usage = await session.Grain.GetQuotaUsageAsync().ConfigureAwait(false);
        session.Out.Raw("* QUOTAROOT ");
        session.Out.AString(session.WireName(name));
        if (usage.Limits(session.User.Quota) is { IsLimited: true } limits)
        {
            session.Out.Raw(" ");
            session.Out.AString(RootName);
            session.Out.Raw("\r\n");
            WriteQuota(RootName, usage, limits);
        }
        else
        {
            session.Out.Raw("\r\n");
        }

        return "GETQUOTAROOT completed";
    }

    public async Task<string?> GetQuotaAsync(QuotaRequest request)
    {
        var (grain, configured) = Root(request.Root);
        ActAsAdministrator(request.Root);
        var usage = await grain.GetQuotaUsageAsync().ConfigureAwait(false);
        if (usage.Limits(configured) is not { IsLimited: true } limits)
        {
            throw new ImapNoException("NONEXISTENT", "No such quota root");
        }

        WriteQuota(request.Root, usage, limits);
        return "GETQUOTA completed";
    }

    /// <summary>
    /// SETQUOTA (RFC 9208 §4.1.2): the limits listed replace every earlier one, and an empty list leaves the root
    /// without limits; the resources are STORAGE (in KiB), MESSAGE and MAILBOX. The user's grain keeps them, so every silo
    /// enforces them at once; the QUOTA response that follows shows them with the usage.
    /// </summary>
    public async Task<string?> SetQuotaAsync(QuotaRequest request)
    {
        if (!IsAdministrator)
        {
            var own = request.Root == RootName && session.User.Quota is { IsLimited: true };
            throw own ? new ImapNoException("NOPERM", "Quotas are set by the administrator") : new ImapNoException("NONEXISTENT", "No such quota root");
        }

        var (grain, _) = Root(request.Root);
        long? storage = null, messages = null, mailboxes = null;
        foreach (var (resource, limit) in request.Limits)
        {
            switch (resource)
            {
                case "STORAGE" when limit <= long.MaxValue / 1024:
                    storage = limit * 1024;
                    break;
                case "MESSAGE":
                    messages = limit;
                    break;
                case "MAILBOX":
                    mailboxes = limit;
                    break;
                default:
                    throw new ImapNoException("CANNOT", $"Resource {resource} cannot be limited here; STORAGE, MESSAGE and MAILBOX can");
            }
        }

        var limits = new QuotaLimits(storage, messages, mailboxes);
        ActAsAdministrator(request.Root);
        await grain.SetQuotaLimitsAsync(limits).ConfigureAwait(false);
        if (limits.IsLimited)
        {
            WriteQuota(request.Root, await grain.GetQuotaUsageAsync().ConfigureAwait(false), limits);
        }

        return "SETQUOTA completed";
    }

    /// <summary>Octets in RFC 9208's unit of 1024 octets, rounded up: a mailbox that uses anything never shows 0.</summary>
    public static long KiB(long bytes) => (bytes + 1023) / 1024;

    /// <summary>The grain and directory limits of the user a root names: the session's own, or (for an administrator) "user/NAME".</summary>
    private (IUserGrain Grain, QuotaLimits? Configured) Root(string root)
    {
        if (root == RootName)
        {
            return (session.Grain, session.User.Quota);
        }

        if (IsAdministrator && root.StartsWith(UserRootPrefix, StringComparison.Ordinal) && session.Services.Users.FindLogin(root[UserRootPrefix.Length..]) is { } user)
        {
            return (session.Services.Grains.GetGrain<IUserGrain>(user.UserId), user.Quota);
        }

        throw new ImapNoException("NONEXISTENT", "No such quota root");
    }

    /// <summary>
    /// From here on, within this command, a call on another user's grain acts on no user's behalf: that grain answers
    /// its owner's quota questions for no other user, and an administrator is, for quotas, the one who may ask them.
    /// </summary>
    private static void ActAsAdministrator(string root)
    {
        if (root != RootName)
        {
            MailAccessor.ActAs(null);
        }
    }

    /// <summary>The resources that have a limit, usage first (RFC 9208 §5.1).</summary>
    private void WriteQuota(string root, QuotaUsage usage, QuotaLimits limits)
    {
        var resources = new List<string>();
        if (limits.StorageBytes is { } storage)
        {
            resources.Add($"STORAGE {KiB(usage.StorageBytes)} {storage / 1024}");
        }

        if (limits.Messages is { } messages)
        {
            resources.Add($"MESSAGE {usage.Messages} {messages}");
        }

        if (limits.Mailboxes is { } mailboxes)
        {
            resources.Add($"MAILBOX {usage.Mailboxes} {mailboxes}");
        }

        session.Out.Raw("* QUOTA ");
        session.Out.AString(root);
        session.Out.Raw($" ({string.Join(' ', resources)})\r\n");
    }
}
