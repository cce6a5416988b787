namespace OrleansMail.Mail;

/// <summary>Rules for mailbox names: '/' separates levels, INBOX is case-insensitive (RFC 3501 §5.1).</summary>
public static class MailboxName
{
    public const char Delimiter = '/';
    public const string Inbox = "INBOX";
    public const int MaxLength = 1024;

    /// <summary>Canonical form: INBOX in any case (and as a first level) becomes "INBOX"; everything else is kept.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.Equals(name, Inbox, StringComparison.OrdinalIgnoreCase))
        {
            return Inbox;
        }

        if (name.Length > Inbox.Length && name[Inbox.Length] == Delimiter && name.StartsWith(Inbox, StringComparison.OrdinalIgnoreCase))
        {
            return Inbox + name[Inbox.Length..];
        }

        return name;
    }

    /// <summary>True when the name can be stored: non-empty, bounded, no empty level, no control characters.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        if (name[0] == Delimiter || name[^1] == Delimiter || name.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsInbox(string name) => string.Equals(Normalize(name), Inbox, StringComparison.Ordinal);

    /// <summary>The parent level's name, or null at the top.</summary>
    public static string? Parent(string name)
    {
        var i = name.LastIndexOf(Delimiter);
        return i <= 0 ? null : name[..i];
    }

    /// <summary>True when <paramref name="name"/> lies below <paramref name="ancestor"/>.</summary>
    public static bool IsBelow(string name, string ancestor) =>
        name.Length > ancestor.Length + 1 && name[ancestor.Length] == Delimiter && name.StartsWith(ancestor, StringComparison.Ordinal);
}
