using Microsoft.Extensions.Options;
using OrleansMail.Lmtp;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Lmtp against what RFC 5321 §4.5.3.1 obliges a server to accept.</summary>
internal sealed class LmtpOptionsValidator : IValidateOptions<LmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, LmtpOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Lmtp");
        checks.Endpoint("Endpoint", options.Endpoint, optional: false);
        checks.AtLeast("MaxLineLength", options.MaxLineLength, 1000);
        checks.AtLeast("MaxRecipients", options.MaxRecipients, 100);
        checks.Positive("IdleTimeout", options.IdleTimeout);
        checks.Require(!string.IsNullOrWhiteSpace(options.Hostname), "Hostname", "must not be empty");
        return checks.Result();
    }
}
