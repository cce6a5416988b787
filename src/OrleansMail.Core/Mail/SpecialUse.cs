namespace OrleansMail.Mail;

/// <summary>The special-use attributes of RFC 6154 that the store creates on first use.</summary>
public enum SpecialUse : byte
{
    None = 0,
    Drafts = 1,
    Sent = 2,
    Trash = 3,
    Junk = 4,
    Archive = 5,
    All = 6,
    Flagged = 7,
}
