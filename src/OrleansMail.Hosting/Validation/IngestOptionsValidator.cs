using Microsoft.Extensions.Options;
using OrleansMail.MailStorage.Ingest;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Ingest.</summary>
internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Ingest");
        // A record keeps RFC822.SIZE in 32 bits, as RFC 3501's number is.
        checks.Between("MaxMessageSize", options.MaxMessageSize, 1024, uint.MaxValue);
        checks.AtLeast("MemorySpoolThreshold", options.MemorySpoolThreshold, 0);
        return checks.Result();
    }
}
