using Microsoft.Extensions.Options;

namespace OrleansMail.Hosting.Azure;

/// <summary>What the Azure providers need before they can start: a connection string, and a cluster certificate.</summary>
internal sealed class AzureOptionsValidator : IValidateOptions<MailHostOptions>
{
    public ValidateOptionsResult Validate(string? name, MailHostOptions options)
    {
        var failures = new List<string>();
        var blob = string.Equals(options.Storage.Provider, AzureHostingExtensions.BlobStorage, StringComparison.OrdinalIgnoreCase);
        var table = string.Equals(options.Clustering.Provider, AzureHostingExtensions.TableClustering, StringComparison.OrdinalIgnoreCase);
        if (blob && string.IsNullOrEmpty(options.Storage.ConnectionString))
        {
            failures.Add("OrleansMail:Storage:ConnectionString is required with OrleansMail:Storage:Provider=AzureBlob");
        }

        if (blob && !IsContainerName(options.Storage.Container + "-manifests"))
        {
            failures.Add($"OrleansMail:Storage:Container '{options.Storage.Container}' is not a valid container name (lowercase letters, digits and single hyphens, at most 53 of them: the manifests go in '{name}-manifests')");
        }

        if (table && string.IsNullOrEmpty(options.Clustering.ConnectionString) && string.IsNullOrEmpty(options.Storage.ConnectionString))
        {
            failures.Add("OrleansMail:Clustering:ConnectionString (or OrleansMail:Storage:ConnectionString) is required with OrleansMail:Clustering:Provider=AzureTable");
        }

        if (table && string.IsNullOrEmpty(options.Clustering.CertificatePath) && !options.Clustering.AllowPlaintext)
        {
            failures.Add(
                "A cluster (OrleansMail:Clustering:Provider=AzureTable) needs OrleansMail:Clustering:CertificatePath and KeyPath (PEM): " +
                "silos and the admin CLI authenticate each other with it. Set OrleansMail:Clustering:AllowPlaintext=true only on a network nobody else can reach.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Azure's rule: 3 to 63 characters, lowercase letters, digits and hyphens, no hyphen first, last or doubled.
    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63 && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal)
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
