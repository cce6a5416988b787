using OrleansMail.Mail;

namespace OrleansMail.Grains.Serialization;

/// <summary>Wire form of <see cref="QuotaLimits"/>, so the core type stays free of Orleans.</summary>
[GenerateSerializer]
public struct QuotaLimitsSurrogate
{
    // Orleans' serializer generator fills surrogates through fields: a field here is the documented pattern.
#pragma warning disable CA1051
    [Id(0)]
    public long? StorageBytes;

    [Id(1)]
    public long? Messages;

    [Id(2)]
    public long? Mailboxes;
#pragma warning restore CA1051
}

/// <summary>Converts <see cref="QuotaLimits"/> to and from its surrogate for grain calls.</summary>
[RegisterConverter]
public sealed class QuotaLimitsConverter : IConverter<QuotaLimits, QuotaLimitsSurrogate>
{
    public QuotaLimits ConvertFromSurrogate(in QuotaLimitsSurrogate surrogate) => new(surrogate.StorageBytes, surrogate.Messages, surrogate.Mailboxes);

    public QuotaLimitsSurrogate ConvertToSurrogate(in QuotaLimits value) => new() { StorageBytes = value.StorageBytes, Messages = value.Messages, Mailboxes = value.Mailboxes };
}
