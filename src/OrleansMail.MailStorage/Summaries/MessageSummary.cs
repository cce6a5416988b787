using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>
/// What FETCH ENVELOPE, BODYSTRUCTURE and header requests need without reading the body: computed once at ingest,
/// kept in summary batches outside the hot index. Offsets are into the stored object (trace prefix included).
/// </summary>
public sealed record MessageSummary(
    [property: JsonPropertyName("env")] MessageEnvelope Envelope,
    [property: JsonPropertyName("body")] BodyPartSummary Body,
    [property: JsonPropertyName("preview")] string? Preview,
    [property: JsonPropertyName("hdr")] long HeaderLength,
    [property: JsonPropertyName("refs")] string[]? References = null)
{
    /// <summary>How many References ids a summary keeps: the last ones, which hold the parent (RFC 5256's threading needs no more).</summary>
    public const int MaxReferences = 64;

    // Summaries nest two JSON levels per MIME level; SummaryBuilder.MaxDepth keeps them well inside this.
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 256 };

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static MessageSummary Decode(byte[] bytes) => JsonSerializer.Deserialize<MessageSummary>(bytes, Json) ?? throw new InvalidDataException("empty summary");

    /// <summary>The same summary for a copy stored behind <paramref name="prefixLength"/> bytes of trace headers.</summary>
    public MessageSummary Shifted(long prefixLength) => prefixLength == 0 ? this : this with { HeaderLength = HeaderLength + prefixLength, Body = Body.Shifted(prefixLength, topLevel: true) };
}
