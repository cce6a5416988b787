using Orleans.Concurrency;

namespace OrleansMail.Submission;

/// <summary>
/// The cluster's one sender of its own mail: a single activation (key 0) reads the queue in the object store and
/// sends each item through the relay, so no item is sent twice by two silos and none is lost when one dies.
/// </summary>
[Alias("om.IOutboundMailGrain")]
public interface IOutboundMailGrain : IGrainWithIntegerKey
{
    /// <summary>Something was queued: look now instead of at the next scan.</summary>
    [Alias("nudge")]
    [OneWay]
    Task NudgeAsync();

    /// <summary>Items waiting, for operators and tests.</summary>
    [Alias("pending")]
    [AlwaysInterleave]
    Task<int> GetPendingCountAsync();
}
