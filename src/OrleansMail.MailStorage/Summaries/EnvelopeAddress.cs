using System.Text.Json.Serialization;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>
/// One IMAP address structure (RFC 3501 §7.4.2): display name (7-bit, RFC 2047 words left for the client to
/// decode), source route ("@a,@b", obsolete but kept), mailbox (local part) and host; a group is (null, name,
/// null) ... (null, null, null).
/// </summary>
public sealed record EnvelopeAddress(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("mailbox")] string? Mailbox,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("route")] string? Route = null);
