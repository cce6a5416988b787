using System.Text;
using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Directory;
using OrleansMail.Accounts.Passwords;

namespace OrleansMail.Accounts.Authentication;

/// <summary>
/// Password checks as a bounded silo-wide resource: at most <see cref="PasswordCheckLimits.EffectiveMaxConcurrent"/>
/// run at once (Argon2 holds its memory cost while it runs, so this bounds memory as well as CPU), a bounded number
/// wait, and the rest are answered "busy" at once. Over-long credentials fail without being hashed. Dovecot gets
/// the same from its separate auth process with its own process limit.
/// </summary>
public sealed class PasswordCheckQueue(IUserDirectory users, PasswordCheckLimits limits, ILogger<PasswordCheckQueue> log) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(limits.EffectiveMaxConcurrent, limits.EffectiveMaxConcurrent);
    private int _admitted;

    public PasswordCheckLimits Limits => limits;

    public void Dispose() => _slots.Dispose();

    /// <summary>Checks the login and password; the user is set when it succeeded.</summary>
    public async Task<(LoginResult Result, UserEntry? User)> CheckAsync(string login, string password, CancellationToken cancellationToken = default)
    {
        if (login.Length > limits.MaxLoginLength || Encoding.UTF8.GetByteCount(password) > limits.MaxPasswordLength)
        {
            return (LoginResult.Failed, null);
        }

        if (Interlocked.Increment(ref _admitted) > limits.EffectiveMaxConcurrent + limits.MaxQueued)
        {
            Interlocked.Decrement(ref _admitted);
            AccountsLog.PasswordChecksSaturated(log, limits.EffectiveMaxConcurrent, limits.MaxQueued);
            return (LoginResult.Busy, null);
        }

        try
        {
            if (!await _slots.WaitAsync(limits.QueueTimeout, cancellationToken).ConfigureAwait(false))
            {
                return (LoginResult.Busy, null);
            }

            try
            {
                // Hashing is slow by design: keep it off the connection's I/O thread.
                var user = await Task.Run(() => users.Authenticate(login, password), cancellationToken).ConfigureAwait(false);
                return user is null ? (LoginResult.Failed, null) : (LoginResult.Succeeded, user);
            }
            finally
            {
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }
}
