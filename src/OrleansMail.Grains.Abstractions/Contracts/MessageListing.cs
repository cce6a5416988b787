using OrleansMail.Mail;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// A page of one mailbox's records in columns, as SELECT loads them: one array per field, never one object per
/// message, so a mailbox of a million messages travels as a few arrays. Entry i of each column is one message, in
/// UID order.
/// </summary>
[GenerateSerializer, Immutable, Alias("om.MessageListing")]
public sealed class MessageListing
{
    [Id(0)] public required uint[] Uids { get; init; }

    [Id(1)] public required MessageFlags[] Flags { get; init; }

    [Id(2)] public required ulong[] ModSeqs { get; init; }

    /// <summary>Per message, its keywords as an index into <see cref="KeywordSets"/>; 0 is none.</summary>
    [Id(3)] public required int[] KeywordSetOf { get; init; }

    /// <summary>The distinct keyword lists of the page; the first is the empty one.</summary>
    [Id(4)] public required string[][] KeywordSets { get; init; }

    [Id(5)] public required Guid[] BodyIds { get; init; }

    [Id(6)] public required long[] InternalDates { get; init; }

    [Id(7)] public required long[] SaveDates { get; init; }

    [Id(8)] public required long[] Sizes { get; init; }

    /// <summary>The mailbox's HIGHESTMODSEQ when the page was read: a change between pages shows as a higher one.</summary>
    [Id(9)] public required ulong HighestModSeq { get; init; }

    /// <summary>Where the next page starts; 0 when this page reaches the end of the mailbox.</summary>
    [Id(10)] public required uint NextUid { get; init; }

    public int Count => Uids.Length;
}
