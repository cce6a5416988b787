using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// The other users' namespace (RFC 2342 §5): "Shared/bob/Projects" is bob's mailbox "Projects", reached through
/// bob's grain, which decides what this user may do there (RFC 4314).
/// </summary>
internal static class SharedNamespace
{
    public const string Root = "Shared";

    public const string Prefix = Root + "/";

    /// <summary>Splits a shared name into its owner and the owner's own name for the mailbox; false for the user's own names.</summary>
    public static bool TryParse(string name, out string owner, out string mailbox)
    {
        owner = mailbox = "";
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name[Prefix.Length..];
        var slash = rest.IndexOf(MailboxName.Delimiter, StringComparison.Ordinal);
        owner = slash < 0 ? rest : rest[..slash];
        mailbox = slash < 0 ? "" : MailboxName.Normalize(rest[(slash + 1)..]);
        return owner.Length > 0;
    }

    /// <summary>Whether a name lies in the shared namespace (where the user creates nothing of its own).</summary>
    public static bool Contains(string name) => name == Root || name.StartsWith(Prefix, StringComparison.Ordinal);

    public static string Name(string owner, string mailbox) => Prefix + owner + MailboxName.Delimiter + mailbox;
}
