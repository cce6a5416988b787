namespace OrleansMail.Accounts.Directory;

/// <summary>
/// The one place that maps logins and addresses (case, "+detail", domain) onto canonical user ids, so that
/// "Alice@Example.org" and "alice" can never become two writers of one store.
/// </summary>
public interface IUserDirectory
{
    /// <summary>The user an RCPT address names, or null when there is none.</summary>
    ResolvedRecipient? ResolveRecipient(string address);

    /// <summary>The user a login names, or null.</summary>
    UserEntry? FindLogin(string login);

    /// <summary>The user when the password matches; null otherwise (unknown user and wrong password look alike).</summary>
    UserEntry? Authenticate(string login, string password);
}
