using Microsoft.Extensions.Options;
using OrleansMail.MailStorage.Memory;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Memory.</summary>
internal sealed class MemoryOptionsValidator : IValidateOptions<MemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Memory");
        checks.AtLeast("SummaryCacheBytes", options.SummaryCacheBytes, 0);
        checks.Require(options.ShedLoadAbovePercent is > 0 and <= 100, "ShedLoadAbovePercent", "must be between 1 and 100");
        checks.AtLeast("ShedLoadAboveBytes", options.ShedLoadAboveBytes, 0);
        // Orleans collects idle grains on a one-minute quantum: less would be rounded up anyway.
        checks.Require(options.IdleUserDeactivation >= TimeSpan.FromMinutes(1), "IdleUserDeactivation", "must be at least 00:01:00");
        return checks.Result();
    }
}
