using Microsoft.Extensions.Options;
using OrleansMail.Accounts.Directory;

namespace OrleansMail.Hosting.Validation;

/// <summary>Checks OrleansMail:Accounts, the password-check budget among it.</summary>
internal sealed class AccountsOptionsValidator : IValidateOptions<AccountsOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountsOptions options)
    {
        var checks = new SettingChecks(MailHostOptions.Section + ":Accounts");
        var limits = options.PasswordChecks;
        checks.Require(Mail.QuotaLimits.TryParse(options.QuotaRules, out _, out var quotaError), "QuotaRules", quotaError);
        checks.Require(options.RecipientDelimiter is not null, "RecipientDelimiter", "must be set (empty turns +detail off)");
        checks.AtLeast("PasswordChecks:MaxPasswordLength", limits.MaxPasswordLength, 8);
        checks.AtLeast("PasswordChecks:MaxLoginLength", limits.MaxLoginLength, 8);
        checks.AtLeast("PasswordChecks:MaxConcurrent", limits.MaxConcurrent, 0);
        checks.AtLeast("PasswordChecks:MaxQueued", limits.MaxQueued, 0);
        checks.Positive("PasswordChecks:QueueTimeout", limits.QueueTimeout);
        checks.AtLeast("PasswordChecks:MaxSha512Rounds", limits.MaxSha512Rounds, 1000);
        checks.AtLeast("PasswordChecks:MaxBcryptCost", limits.MaxBcryptCost, 4);
        checks.AtLeast("PasswordChecks:MaxArgon2MemoryKiB", limits.MaxArgon2MemoryKiB, 8);
        checks.AtLeast("PasswordChecks:MaxArgon2Iterations", limits.MaxArgon2Iterations, 1);
        checks.AtLeast("PasswordChecks:MaxArgon2Parallelism", limits.MaxArgon2Parallelism, 1);
        checks.NotNegative("PasswordChecks:PenaltyInitial", limits.PenaltyInitial);
        checks.Require(limits.PenaltyMax >= limits.PenaltyInitial, "PasswordChecks:PenaltyMax", "must not be below OrleansMail:Accounts:PasswordChecks:PenaltyInitial");
        checks.Positive("PasswordChecks:PenaltyExpiry", limits.PenaltyExpiry);
        checks.AtLeast("PasswordChecks:PenaltyMaxTracked", limits.PenaltyMaxTracked, 1);
        return checks.Result();
    }
}
