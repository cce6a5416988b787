using System.Text.Json.Serialization;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>One MIME part for BODYSTRUCTURE and BODY[section]: type, parameters, and where its header and content lie.</summary>
public sealed record BodyPartSummary
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("subtype")]
    public required string Subtype { get; init; }

    [JsonPropertyName("params")]
    public Dictionary<string, string>? Parameters { get; init; }

    [JsonPropertyName("id")]
    public string? ContentId { get; init; }

    [JsonPropertyName("desc")]
    public string? Description { get; init; }

    [JsonPropertyName("enc")]
    public string? Encoding { get; init; }

    [JsonPropertyName("md5")]
    public string? Md5 { get; init; }

    [JsonPropertyName("disp")]
    public string? Disposition { get; init; }

    [JsonPropertyName("dispParams")]
    public Dictionary<string, string>? DispositionParameters { get; init; }

    [JsonPropertyName("lang")]
    public string[]? Language { get; init; }

    [JsonPropertyName("loc")]
    public string? Location { get; init; }

    /// <summary>Offset of the part's header in the stored object.</summary>
    [JsonPropertyName("hoff")]
    public long HeaderOffset { get; init; }

    /// <summary>Offset of the part's content (after the blank line).</summary>
    [JsonPropertyName("boff")]
    public long BodyOffset { get; init; }

    /// <summary>Octets of the content as stored (encoded).</summary>
    [JsonPropertyName("size")]
    public long Octets { get; init; }

    [JsonPropertyName("lines")]
    public long Lines { get; init; }

    [JsonPropertyName("parts")]
    public BodyPartSummary[]? Parts { get; init; }

    /// <summary>For message/rfc822: the enclosed message's envelope and body.</summary>
    [JsonPropertyName("msgEnv")]
    public MessageEnvelope? MessageEnvelope { get; init; }

    [JsonPropertyName("msgBody")]
    public BodyPartSummary? MessageBody { get; init; }

    internal BodyPartSummary Shifted(long by, bool topLevel) => this with
    {
        // The top-level header absorbs the trace prefix, so it still starts at 0.
        HeaderOffset = topLevel ? 0 : HeaderOffset + by,
        BodyOffset = BodyOffset + by,
        Parts = Parts?.Select(p => p.Shifted(by, false)).ToArray(),
        MessageBody = MessageBody?.Shifted(by, false),
    };
}
