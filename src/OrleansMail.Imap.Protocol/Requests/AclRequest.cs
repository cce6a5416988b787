namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// SETACL, DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS (RFC 4314 §3): the mailbox, the identifier where the command
/// names one, and for SETACL the rights as sent ("+lr", "-w" or a whole set), already checked to be rights letters.
/// </summary>
public sealed record AclRequest(string Tag, string Name, string Mailbox, string? Identifier, string? Rights) : ImapRequest(Tag);
