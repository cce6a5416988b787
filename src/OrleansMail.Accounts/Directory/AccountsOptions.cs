using OrleansMail.Accounts.Passwords;

namespace OrleansMail.Accounts.Directory;

/// <summary>Section OrleansMail:Accounts.</summary>
public sealed class AccountsOptions
{
    /// <summary>A Dovecot-format passwd-file; default {DataPath}/users.passwd.</summary>
    public string PasswdFile { get; set; } = "";

    /// <summary>Domains this server receives mail for; empty accepts any domain (as a single-domain box usually wants).</summary>
    public List<string> Domains { get; set; } = [];

    /// <summary>Separates the user from the detail in "user+detail@domain" (Dovecot's recipient_delimiter).</summary>
    public string RecipientDelimiter { get; set; } = "+";

    /// <summary>
    /// Quota rules for users whose passwd-file line sets none (Dovecot's <c>quota_rule</c> form: "*:storage=1G",
    /// "*:messages=100000"); empty is no quota. A line's <c>userdb_quota_rule</c> fields override these.
    /// </summary>
    public List<string> QuotaRules { get; set; } = [];

    /// <summary>The caps on what checking a password may cost: the budget an attacker meets before login.</summary>
    public PasswordCheckLimits PasswordChecks { get; set; } = new();
}
