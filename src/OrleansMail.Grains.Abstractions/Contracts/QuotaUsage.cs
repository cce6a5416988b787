namespace OrleansMail.Grains.Contracts;

/// <summary>What a user's messages count against a quota (RFC 9208 MESSAGE and STORAGE): every record, a copy counting again.</summary>
[GenerateSerializer, Immutable, Alias("om.QuotaUsage")]
public sealed record QuotaUsage(
    [property: Id(0)] long Messages,
    [property: Id(1)] long StorageBytes);
