using Microsoft.Extensions.Options;
using OrleansMail.MailStorage.Bodies;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:BodyCache.</summary>
internal sealed class BodyCacheOptionsValidator : IValidateOptions<BodyCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, BodyCacheOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":BodyCache");
        checks.AtLeast("MaxBytes", options.MaxBytes, 0);
        checks.AtLeast("MaxCachedBody", options.MaxCachedBody, 0);
        checks.Require(options.MaxCachedBody <= options.MaxBytes, "MaxCachedBody", "must not exceed OrleansMail:BodyCache:MaxBytes");
        checks.AtLeast("PrefetchParallelism", options.PrefetchParallelism, 1);
        return checks.Result();
    }
}
