using System.Net;
using OrleansMail.Accounts.Directory;

namespace OrleansMail.Accounts.Authentication;

/// <summary>
/// One login attempt as every listener makes it: the address's failure penalty waited out before the check is even
/// queued, the password checked in the silo's bounded queue, and the outcome fed back to the penalty. IMAP and
/// ManageSieve share it, so guessing a password over one protocol slows guesses over the other.
/// </summary>
public sealed class LoginCheck(PasswordCheckQueue passwords, AuthPenalty penalty, TimeProvider time)
{
    public async Task<(LoginResult Result, UserEntry? User)> CheckAsync(string login, string password, IPAddress? remote, CancellationToken cancellationToken = default)
    {
        var delay = penalty.DelayFor(remote);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }

        var (result, user) = await passwords.CheckAsync(login, password, cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case LoginResult.Succeeded:
                penalty.Succeeded(remote);
                break;
            case LoginResult.Failed:
                penalty.Failed(remote);
                break;
        }

        return (result, user);
    }
}
