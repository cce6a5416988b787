using System.Text.Json.Serialization;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>The fields of an IMAP ENVELOPE (RFC 3501 §7.4.2), as raw header values where the RFC wants them verbatim.</summary>
public sealed record MessageEnvelope(
    [property: JsonPropertyName("date")] string? Date,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("from")] EnvelopeAddress[] From,
    [property: JsonPropertyName("sender")] EnvelopeAddress[] Sender,
    [property: JsonPropertyName("replyTo")] EnvelopeAddress[] ReplyTo,
    [property: JsonPropertyName("to")] EnvelopeAddress[] To,
    [property: JsonPropertyName("cc")] EnvelopeAddress[] Cc,
    [property: JsonPropertyName("bcc")] EnvelopeAddress[] Bcc,
    [property: JsonPropertyName("inReplyTo")] string? InReplyTo,
    [property: JsonPropertyName("messageId")] string? MessageId);
