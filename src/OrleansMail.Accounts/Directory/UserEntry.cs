namespace OrleansMail.Accounts.Directory;

/// <summary>One user of the directory: the canonical id (grain key and object-name source) and the stored password.</summary>
public sealed record UserEntry(string UserId, string PasswordHash)
{
    /// <summary>Redacted: a hash never reaches a log.</summary>
    public override string ToString() => $"UserEntry {{ UserId = {UserId} }}";
}
