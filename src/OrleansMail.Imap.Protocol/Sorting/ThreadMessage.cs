namespace OrleansMail.Imap.Protocol.Sorting;

/// <summary>
/// What threading knows of one message: its number as answered (sequence number or UID), its Message-ID, the
/// ids it refers to (References, else the first of In-Reply-To), its base subject and its sent date.
/// </summary>
public sealed record ThreadMessage(uint Number, string? MessageId, IReadOnlyList<string> References, string BaseSubject, bool IsReplyOrForward, DateTimeOffset SentDate);
