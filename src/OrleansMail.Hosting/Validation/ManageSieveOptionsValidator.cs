using Microsoft.Extensions.Options;
using OrleansMail.ManageSieve;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:ManageSieve: the listener, and limits no real client could live under.</summary>
internal sealed class ManageSieveOptionsValidator : IValidateOptions<ManageSieveOptions>
{
    public ValidateOptionsResult Validate(string? name, ManageSieveOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":ManageSieve");
        checks.Endpoint("Endpoint", options.Endpoint, optional: true);
        checks.Require(!string.IsNullOrWhiteSpace(options.Hostname), "Hostname", "must not be empty");

        // A PLAIN AUTHENTICATE with a long password and a 1024-octet quoted name must fit.
        checks.AtLeast("MaxLineLength", options.MaxLineLength, 1024);
        checks.AtLeast("MaxPreLoginCommandSize", options.MaxPreLoginCommandSize, 1024);
        checks.AtLeast("MaxSkippedLiteral", options.MaxSkippedLiteral, 0);
        checks.AtLeast("MaxSessionsPerUser", options.MaxSessionsPerUser, 1);
        checks.AtLeast("MaxSessionsPerAddress", options.MaxSessionsPerAddress, 1);
        checks.AtLeast("MaxUnauthenticatedPerAddress", options.MaxUnauthenticatedPerAddress, 1);
        checks.AtLeast("MaxAuthFailures", options.MaxAuthFailures, 1);
        checks.AtLeast("MaxBadCommands", options.MaxBadCommands, 1);
        checks.NotNegative("AuthFailureDelay", options.AuthFailureDelay);
        checks.Positive("LoginTimeout", options.LoginTimeout);
        checks.Positive("IdleTimeout", options.IdleTimeout);
        checks.Positive("TlsHandshakeTimeout", options.TlsHandshakeTimeout);
        checks.Positive("WriteTimeout", options.WriteTimeout);
        checks.AtLeast("MaxCommandsPerSecond", options.MaxCommandsPerSecond, 1);
        return checks.Result();
    }
}
