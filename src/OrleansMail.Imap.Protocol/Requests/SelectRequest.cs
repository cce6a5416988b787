namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>SELECT or EXAMINE, with the CONDSTORE and QRESYNC parameters of RFC 7162.</summary>
public sealed record SelectRequest(string Tag, string Mailbox, bool ReadOnly, bool CondStore, QresyncParameters? Qresync) : ImapRequest(Tag);
