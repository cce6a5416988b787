using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>One message's index record as a session sees it.</summary>
[GenerateSerializer, Immutable, Alias("om.MessageView")]
public sealed record MessageView(
    [property: Id(0)] Guid RecordId,
    [property: Id(1)] Guid BodyId,
    [property: Id(2)] uint Uid,
    [property: Id(3)] MessageFlags Flags,
    [property: Id(4)] string[] Keywords,
    [property: Id(5)] ulong ModSeq,
    [property: Id(6)] long InternalDate,
    [property: Id(7)] long SaveDate,
    [property: Id(8)] long Size);
