using OrleansMail.Mail;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>SELECT's QRESYNC parameter (RFC 7162 §3.2.5): what the client last knew of the mailbox.</summary>
public sealed record QresyncParameters(uint UidValidity, ulong ModSeq, UidSet? KnownUids);
