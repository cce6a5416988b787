using OrleansMail.Grains.Contracts;

namespace OrleansMail.Imap;

/// <summary>A mailbox NOTIFY watches, as last told to the client: its owner, its name as the client sees it, and its counters.</summary>
internal sealed record WatchedMailbox(string Owner, string ClientName, MailboxInfo Info);
