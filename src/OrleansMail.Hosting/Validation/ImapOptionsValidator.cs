using Microsoft.Extensions.Options;
using OrleansMail.Imap;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Imap: listeners, and limits no real client could live under.</summary>
internal sealed class ImapOptionsValidator : IValidateOptions<ImapOptions>
{
    public ValidateOptionsResult Validate(string? name, ImapOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Imap");
        checks.Endpoint("Endpoint", options.Endpoint, optional: true);
        checks.Endpoint("TlsEndpoint", options.TlsEndpoint, optional: true);
        checks.Require(!string.IsNullOrWhiteSpace(options.Hostname), "Hostname", "must not be empty");

        // RFC 7162 §4 asks servers to take 8192-octet command lines; below 1000 not even a LOGIN fits everywhere.
        checks.AtLeast("MaxLineLength", options.MaxLineLength, 1000);
        checks.AtLeast("MaxArgumentLiteral", options.MaxArgumentLiteral, 1024);
        checks.AtLeast("MaxPreLoginCommandSize", options.MaxPreLoginCommandSize, 1024);
        checks.AtLeast("MaxCommandSize", options.MaxCommandSize, options.MaxLineLength);
        checks.AtLeast("MaxSessionsPerUser", options.MaxSessionsPerUser, 1);
        checks.AtLeast("MaxBadCommands", options.MaxBadCommands, 1);
        checks.AtLeast("MaxUnauthenticatedPerAddress", options.MaxUnauthenticatedPerAddress, 1);
        checks.AtLeast("MaxSessionsPerAddress", options.MaxSessionsPerAddress, 1);
        checks.AtLeast("MaxAuthFailures", options.MaxAuthFailures, 1);
        checks.NotNegative("AuthFailureDelay", options.AuthFailureDelay);

        // RFC 3501 §5.4: an autologout timer of at least 30 minutes.
        checks.Require(options.IdleTimeout >= TimeSpan.FromMinutes(30), "IdleTimeout", $"must be at least 00:30:00, as RFC 3501 §5.4 requires (is {options.IdleTimeout})");
        checks.Positive("LoginTimeout", options.LoginTimeout);
        checks.Positive("TlsHandshakeTimeout", options.TlsHandshakeTimeout);
        checks.Positive("WriteTimeout", options.WriteTimeout);
        checks.AtLeast("MaxFetchSections", options.MaxFetchSections, 1);
        checks.AtLeast("MaxAppendMessages", options.MaxAppendMessages, 1);
        checks.AtLeast("MaxAppendBytes", options.MaxAppendBytes, 0);
        checks.AtLeast("MaxUpdatedContexts", options.MaxUpdatedContexts, 0);
        checks.AtLeast("MaxContextMessages", options.MaxContextMessages, 0);
        checks.AtLeast("MaxSortedContextMessages", options.MaxSortedContextMessages, 0);
        checks.AtLeast("MaxIdFieldLength", options.MaxIdFieldLength, 1);
        checks.Positive("IdlePollInterval", options.IdlePollInterval);
        checks.AtLeast("MaxCommandsPerSecond", options.MaxCommandsPerSecond, 1);
        return checks.Result();
    }
}
