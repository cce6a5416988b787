namespace OrleansMail.Grains.Contracts;

/// <summary>One SEARCH text key: where it looks, the header field for <see cref="TextScope.Header"/>, and the substring it wants.</summary>
[GenerateSerializer, Immutable, Alias("om.TextCriterion")]
public sealed record TextCriterion(
    [property: Id(0)] TextScope Field,
    [property: Id(1)] string? HeaderName,
    [property: Id(2)] string Needle);
