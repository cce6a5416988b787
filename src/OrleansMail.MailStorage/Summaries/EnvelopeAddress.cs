using System.Text.Json.Serialization;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>One IMAP address structure: display name, mailbox (local part) and host; a group is (null, name, null) ... (null, null, null).</summary>
public sealed record EnvelopeAddress(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("mailbox")] string? Mailbox,
    [property: JsonPropertyName("host")] string? Host);
