using Microsoft.Extensions.Options;
using OrleansMail.Submission;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Submission: a relay that can be reached the way it says, and retries that end.</summary>
internal sealed class SubmissionOptionsValidator : IValidateOptions<SubmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, SubmissionOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Submission");
        checks.Require(options.Port is > 0 and < 65536, "Port", $"must be a TCP port (is {options.Port})");
        checks.Require(SmtpRelay.TlsModes.Contains(options.Tls, StringComparer.OrdinalIgnoreCase), "Tls", $"must be one of {string.Join(", ", SmtpRelay.TlsModes)} (is {options.Tls})");
        checks.Require(string.IsNullOrEmpty(options.Password) || !string.IsNullOrEmpty(options.User), "Password", "needs User");
        checks.Positive("MaxAge", options.MaxAge);
        checks.Positive("RetryInitial", options.RetryInitial);
        checks.Require(options.RetryMax >= options.RetryInitial, "RetryMax", "must be at least RetryInitial");
        checks.Positive("ScanInterval", options.ScanInterval);
        return checks.Result();
    }
}
