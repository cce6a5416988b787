using Microsoft.Extensions.Options;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks the host's own settings, and that the configured providers are ones something in this process sets up.</summary>
internal sealed class MailHostOptionsValidator(IEnumerable<ProviderRegistration> providers) : IValidateOptions<MailHostOptions>
{
    public ValidateOptionsResult Validate(string? name, MailHostOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section);
        checks.Require(!string.IsNullOrWhiteSpace(options.DataPath), "DataPath", "must name a folder");
        checks.OneOf("Storage:Provider", options.Storage.Provider, providers.Where(p => p.Kind == ProviderKind.Storage).Select(p => p.Name));
        checks.OneOf("Clustering:Provider", options.Clustering.Provider, providers.Where(p => p.Kind == ProviderKind.Clustering).Select(p => p.Name));
        checks.Positive("Storage:NetworkTimeout", options.Storage.NetworkTimeout);
        checks.AtLeast("Storage:MaxRetries", options.Storage.MaxRetries, 0);
        checks.Port("Clustering:SiloPort", options.Clustering.SiloPort);
        checks.Port("Clustering:GatewayPort", options.Clustering.GatewayPort);
        checks.Require(options.Clustering.SiloPort != options.Clustering.GatewayPort, "Clustering:GatewayPort", "must differ from OrleansMail:Clustering:SiloPort");
        checks.Require(
            string.Equals(options.Clustering.AdvertisedAddress, "auto", StringComparison.OrdinalIgnoreCase) || System.Net.IPAddress.TryParse(options.Clustering.AdvertisedAddress, out _),
            "Clustering:AdvertisedAddress", $"must be an IP address or 'auto' (is '{options.Clustering.AdvertisedAddress}')");
        checks.Require(string.IsNullOrEmpty(options.Clustering.KeyPath) || !string.IsNullOrEmpty(options.Clustering.CertificatePath), "Clustering:KeyPath", "needs OrleansMail:Clustering:CertificatePath");
        checks.Require(
            string.IsNullOrEmpty(options.Clustering.CertificatePath) || File.Exists(options.Clustering.CertificatePath),
            "Clustering:CertificatePath", $"names a file that does not exist ('{options.Clustering.CertificatePath}')");
        checks.Require(
            string.IsNullOrEmpty(options.Clustering.KeyPath) || File.Exists(options.Clustering.KeyPath),
            "Clustering:KeyPath", $"names a file that does not exist ('{options.Clustering.KeyPath}')");
        checks.Positive("Clustering:ProbeTimeout", options.Clustering.ProbeTimeout);
        checks.AtLeast("Clustering:NumMissedProbesLimit", options.Clustering.NumMissedProbesLimit, 1);
        checks.Positive("Clustering:TableRefreshTimeout", options.Clustering.TableRefreshTimeout);
        checks.Endpoint("Http:Endpoint", options.Http.Endpoint, optional: true);
        checks.Between("Telemetry:TraceSampleRatio", options.Telemetry.TraceSampleRatio, 0, 1);
        checks.Require(
            string.IsNullOrEmpty(options.Telemetry.OtlpEndpoint) || Uri.TryCreate(options.Telemetry.OtlpEndpoint, UriKind.Absolute, out _),
            "Telemetry:OtlpEndpoint", $"must be an absolute URI such as http://collector:4317 (is '{options.Telemetry.OtlpEndpoint}')");
        return checks.Result();
    }
}
