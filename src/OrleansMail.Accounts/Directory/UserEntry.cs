using OrleansMail.Mail;

namespace OrleansMail.Accounts.Directory;

/// <summary>One user of the directory: the canonical id (grain key and object-name source), the stored password and the quota.</summary>
public sealed record UserEntry(string UserId, string PasswordHash, QuotaLimits? Quota = null)
{
    /// <summary>Redacted: a hash never reaches a log.</summary>
    public override string ToString() => $"UserEntry {{ UserId = {UserId} }}";
}
