using Microsoft.Extensions.Options;
using OrleansMail.Imap;

namespace OrleansMail.Hosting.Validation;

/// <summary>The IMAP settings that need a certificate: without one there is no TLS to listen with or to require.</summary>
internal sealed class ImapTlsRequirements(IOptions<TlsOptions> tls) : IValidateOptions<ImapOptions>
{
    public ValidateOptionsResult Validate(string? name, ImapOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Imap");
        var hasCertificate = !string.IsNullOrEmpty(tls.Value.CertificatePath);
        checks.Require(hasCertificate || string.IsNullOrEmpty(options.TlsEndpoint), "TlsEndpoint", "needs OrleansMail:Tls:CertificatePath and KeyPath (PEM)");

        // Starting anyway would take passwords in clear text.
        checks.Require(hasCertificate || !options.RequireTlsForLogin, "RequireTlsForLogin", "needs OrleansMail:Tls:CertificatePath and KeyPath (PEM)");
        return checks.Result();
    }
}
