namespace OrleansMail.Mail;

/// <summary>The IMAP system flags a message keeps in the index (RFC 3501 §2.3.2); \Recent is per session and never stored.</summary>
[Flags]
public enum MessageFlags : byte
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
}
