namespace OrleansMail.Mail;

/// <summary>
/// RFC 4314's rights on a mailbox, one bit per letter of "lrswipkxtea": lookup, read, keep seen, write flags,
/// insert, post, create below, delete the mailbox, delete messages, expunge, administer.
/// </summary>
[Flags]
public enum MailboxRights
{
    None = 0,
    Lookup = 1 << 0,
    Read = 1 << 1,
    KeepSeen = 1 << 2,
    Write = 1 << 3,
    Insert = 1 << 4,
    Post = 1 << 5,
    CreateBelow = 1 << 6,
    DeleteMailbox = 1 << 7,
    DeleteMessages = 1 << 8,
    Expunge = 1 << 9,
    Administer = 1 << 10,
    All = (1 << 11) - 1,
}
