namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>ENABLE (RFC 5161): the capabilities asked for, upper case.</summary>
public sealed record EnableRequest(string Tag, IReadOnlyList<string> Capabilities) : ImapRequest(Tag);
