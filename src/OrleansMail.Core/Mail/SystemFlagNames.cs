namespace OrleansMail.Mail;

/// <summary>The names of the system flags as IMAP (RFC 3501 §2.3.2) and Sieve's imap4flags (RFC 5232) write them, matched without regard to case.</summary>
public static class SystemFlagNames
{
    /// <summary>The flag a name such as "\Seen" stands for; false for \Recent (not settable) and unknown names.</summary>
    public static bool TryParse(string name, out MessageFlags flag)
    {
        flag = name.ToUpperInvariant() switch
        {
            @"\SEEN" => MessageFlags.Seen,
            @"\ANSWERED" => MessageFlags.Answered,
            @"\FLAGGED" => MessageFlags.Flagged,
            @"\DELETED" => MessageFlags.Deleted,
            @"\DRAFT" => MessageFlags.Draft,
            _ => MessageFlags.None,
        };
        return flag != MessageFlags.None;
    }
}
