namespace OrleansMail.Mail;

/// <summary>
/// Flag names as IMAP (RFC 3501 §2.3.2) and Sieve's imap4flags (RFC 5232) write them: the system flags, matched
/// without regard to case, and what a keyword may be.
/// </summary>
public static class FlagNames
{
    /// <summary>The flag a name such as "\Seen" stands for; false for \Recent (not settable) and unknown names.</summary>
    public static bool TryParseSystem(string name, out MessageFlags flag)
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

    /// <summary>An atom of at most 128 characters without the characters IMAP reserves (RFC 3501 §9, flag-keyword).</summary>
    public static bool IsValidKeyword(string keyword) =>
        keyword.Length is > 0 and <= 128 && keyword.All(c => c > ' ' && c < 0x7f && c is not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'));
}
