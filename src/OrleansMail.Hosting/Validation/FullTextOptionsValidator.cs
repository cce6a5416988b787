using Microsoft.Extensions.Options;
using OrleansMail.FullText;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:FullText.</summary>
internal sealed class FullTextOptionsValidator : IValidateOptions<FullTextOptions>
{
    public ValidateOptionsResult Validate(string? name, FullTextOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":FullText");
        checks.OneOf("Analyzer", options.Analyzer.ToLowerInvariant(), FuzzyAnalyzers.Names);
        checks.Between("MaxTextChars", options.MaxTextChars, 1024, 64 * 1024 * 1024);
        checks.AtLeast("MaxIndexBytesPerUser", options.MaxIndexBytesPerUser, 1024 * 1024);
        checks.Between("BufferMegabytes", options.BufferMegabytes, 0.5, 256);
        checks.Between("FillParallelism", options.FillParallelism, 1, 64);
        checks.Require(options.PublishInterval >= TimeSpan.FromSeconds(10), "PublishInterval", "at least 10 seconds");
        return checks.Result();
    }
}
