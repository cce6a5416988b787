using Microsoft.Extensions.Options;
using OrleansMail.Grains;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Store, where a wrong value would break a promise rather than just tune (docs/architecture.md, "Leases").</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<UserGrainOptions>
{
    public ValidateOptionsResult Validate(string? name, UserGrainOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Store");
        checks.Require(options.LeaseDuration >= TimeSpan.FromSeconds(2), "LeaseDuration", $"must be at least 00:00:02: it is renewed every quarter of itself (is {options.LeaseDuration})");
        checks.Positive("CheckpointInterval", options.CheckpointInterval);
        checks.AtLeast("CheckpointChangeThreshold", options.CheckpointChangeThreshold, 1);

        checks.AtLeast("AllocationCap", options.AllocationCap, 10);
        checks.AtLeast("CompactionSegments", options.CompactionSegments, 1);
        checks.NotNegative("RecoverySkew", options.RecoverySkew);
        checks.NotNegative("DrainTimeout", options.DrainTimeout);
        checks.NotNegative("GarbageGracePeriod", options.GarbageGracePeriod);
        checks.NotNegative("CoolAfter", options.CoolAfter);
        checks.AtLeast("CoolMinBytes", options.CoolMinBytes, 0);
        checks.AtLeast("SummaryBatchBytes", options.SummaryBatchBytes, 0);
        // A cache keeps nothing larger than a quarter of itself: below four batches, every summary read of a stored
        // batch would go to the store.
        checks.Require(options.SummaryCacheBytesPerUser >= 4 * options.SummaryBatchBytes, "SummaryCacheBytesPerUser", "must be at least four times OrleansMail:Store:SummaryBatchBytes");
        checks.AtLeast("LocalCacheMaxBytes", options.LocalCacheMaxBytes, 0);
        checks.Positive("ForeignSegmentScanInterval", options.ForeignSegmentScanInterval);
        checks.AtLeast("MaxMailboxes", options.MaxMailboxes, 1);
        checks.AtLeast("MaxKeywordsPerMailbox", options.MaxKeywordsPerMailbox, 0);
        checks.AtLeast("ExpungeHistoryLimit", options.ExpungeHistoryLimit, 1);
        checks.AtLeast("MaxMetadataValueBytes", options.MaxMetadataValueBytes, 0);
        checks.AtLeast("MaxMetadataEntries", options.MaxMetadataEntries, 0);
        checks.AtLeast("MaxMetadataBytes", options.MaxMetadataBytes, 0);
        return checks.Result();
    }
}
