using Microsoft.Extensions.Options;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Tls: the files exist and hold a certificate this process can use.</summary>
internal sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Tls");
        if (string.IsNullOrEmpty(options.CertificatePath))
        {
            checks.Require(string.IsNullOrEmpty(options.KeyPath), "KeyPath", "needs OrleansMail:Tls:CertificatePath");
            return checks.Result();
        }

        checks.Require(File.Exists(options.CertificatePath), "CertificatePath", $"names a file that does not exist ('{options.CertificatePath}')");
        checks.Require(string.IsNullOrEmpty(options.KeyPath) || File.Exists(options.KeyPath), "KeyPath", $"names a file that does not exist ('{options.KeyPath}')");
        var result = checks.Result();
        if (result.Failed)
        {
            return result;
        }

        try
        {
            using var certificate = options.Load();
            return ValidateOptionsResult.Success;
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            return ValidateOptionsResult.Fail($"{MailHostOptions.Section}:Tls:CertificatePath and KeyPath do not hold a PEM certificate and its key: {e.Message}");
        }
    }
}
