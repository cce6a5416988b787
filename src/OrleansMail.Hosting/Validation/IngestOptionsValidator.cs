using Microsoft.Extensions.Options;
using OrleansMail.MailStorage.Ingest;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Ingest.</summary>
internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Ingest");
        checks.AtLeast("MaxMessageSize", options.MaxMessageSize, 1024);
        checks.AtLeast("MemorySpoolThreshold", options.MemorySpoolThreshold, 0);
        return checks.Result();
    }
}
