namespace OrleansMail.Accounts.Authentication;

/// <summary>What a password check came to.</summary>
public enum LoginResult
{
    Succeeded,
    Failed,

    /// <summary>The silo's password-check budget is spent: try again later (IMAP "NO [UNAVAILABLE]").</summary>
    Busy,
}
