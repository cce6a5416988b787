using System.Text;
using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Authentication;

namespace OrleansMail.ManageSieve;

/// <summary>
/// Getting in (RFC 5804 §2.1, §2.14): AUTHENTICATE with PLAIN or LOGIN, with or without an initial response, and
/// UNAUTHENTICATE; guarded as IMAP's logins are: an absolute login deadline, the per-address count of connections
/// not yet logged in, the per-user session limit, the address's failure penalty shared with IMAP, growing delays
/// after each failure and the end of the connection past the failure limit.
/// </summary>
internal sealed class ManageSieveLogin(ManageSieveSession session) : IDisposable
{
    private const string Mechanisms = "PLAIN LOGIN";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private CancellationTokenSource _deadline = new(session.Options.LoginTimeout, session.Services.Time);
    private string? _preLoginKey;
    private string? _userKey;
    private int _failures;

    /// <summary>Cancelled when the login timeout has passed since the connection opened (or since UNAUTHENTICATE).</summary>
    public CancellationToken Deadline => _deadline.Token;

    private ManageSieveServices Services => session.Services;

    public bool TryAdmit()
    {
        var key = "sieve-pre:" + session.Address;
        if (!Services.Counts.TryEnter(key, session.Options.MaxUnauthenticatedPerAddress))
        {
            return false;
        }

        _preLoginKey = key;
        return true;
    }

    public void Dispose()
    {
        LeavePreLogin();
        _deadline.Dispose();
    }

    public void LeaveUser()
    {
        if (_userKey is not null)
        {
            Services.Counts.Leave(_userKey);
            _userKey = null;
        }
    }

    public async Task AuthenticateAsync(ManageSieveCommand command)
    {
        ManageSieveSession.Expect(command, 1, 2, "AUTHENTICATE mechanism [initial-response]");
        if (session.User is not null)
        {
            throw new ManageSieveNoException("Already logged in");
        }

        if (!session.PlaintextLoginAllowed)
        {
            throw new ManageSieveNoException("ENCRYPT-NEEDED", "Use STARTTLS first");
        }

        var mechanism = ManageSieveSession.Text(command.Arguments[0], "mechanism").ToUpperInvariant();
        var initial = command.Arguments.Count > 1 ? ManageSieveSession.Text(command.Arguments[1], "initial response") : null;
        string login, password;
        switch (mechanism)
        {
            case "PLAIN":
                {
                    var response = initial ?? await ChallengeAsync("").ConfigureAwait(false);
                    if (!SaslPlain.TryDecode(response, out var plain))
                    {
                        throw new ManageSieveNoException("Malformed PLAIN response");
                    }

                    if (plain.ActsAsAnother)
                    {
                        throw new ManageSieveNoException("Acting as another user is not allowed");
                    }

                    (login, password) = (plain.Login, plain.Password);
                    break;
                }

            case "LOGIN":
                login = Decode(initial ?? await ChallengeAsync("Username:").ConfigureAwait(false));
                password = Decode(await ChallengeAsync("Password:").ConfigureAwait(false));
                break;
            default:
                throw new ManageSieveNoException($"Unsupported mechanism; use one of {Mechanisms}");
        }

        await CompleteAsync(login, password).ConfigureAwait(false);
    }

    /// <summary>RFC 5804 §2.14: back to the state of a new connection (TLS stays), counted as not logged in again.</summary>
    public async Task UnauthenticateAsync()
    {
        if (session.User is null)
        {
            throw new ManageSieveNoException("Not logged in");
        }

        LeaveUser();
        session.User = null;
        _failures = 0;
        _deadline.Dispose();
        _deadline = new CancellationTokenSource(session.Options.LoginTimeout, Services.Time);
        if (!TryAdmit())
        {
            session.LoggingOut = true;
            await session.SendAsync(new ResponseBuilder().Status("BYE", "TRYLATER", "Too many connections from your address are not logged in")).ConfigureAwait(false);
            return;
        }

        await session.SendAsync(new ResponseBuilder().Status("OK", null, "Unauthenticate completed.")).ConfigureAwait(false);
    }

    /// <summary>A server challenge as a string; the client's answer is one string, or "*" to give up (RFC 5804 §2.1).</summary>
    private async Task<string> ChallengeAsync(string challenge)
    {
        await session.SendAsync(new ResponseBuilder().String(Convert.ToBase64String(Encoding.UTF8.GetBytes(challenge))).CrLf()).ConfigureAwait(false);
        var answer = await session.ReadCommandAsync().ConfigureAwait(false) ?? throw new IOException("the connection ended during AUTHENTICATE");
        if (answer.Name is not null || answer.Arguments.Count != 1 || !answer.Arguments[0].TryGetText(out var text))
        {
            throw new ManageSieveNoException("Expected one string in answer to the challenge");
        }

        if (text == "*")
        {
            throw new ManageSieveNoException("Authentication aborted");
        }

        return text;
    }

    private static string Decode(string base64)
    {
        try
        {
            return StrictUtf8.GetString(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new ManageSieveNoException("Invalid base64");
        }
    }

    private async Task CompleteAsync(string login, string password)
    {
        // Short of memory, a new session is refused before its password costs anything; open ones carry on.
        if (Services.Memory.IsShort)
        {
            throw new ManageSieveNoException("TRYLATER", "The server is short of memory; try again shortly");
        }

        var (result, user) = await Services.Logins.CheckAsync(login, password, session.Remote).ConfigureAwait(false);
        if (result == LoginResult.Busy)
        {
            throw new ManageSieveNoException("TRYLATER", "Too many logins at once; try again shortly");
        }

        if (user is null)
        {
            await FailAsync(login).ConfigureAwait(false);
            return;
        }

        var key = "sieve-user:" + user.UserId;
        if (!Services.Counts.TryEnter(key, session.Options.MaxSessionsPerUser))
        {
            throw new ManageSieveNoException("TRYLATER", "Too many sessions for this user");
        }

        _userKey = key;
        LeavePreLogin();
        session.User = user;
        ManageSieveLog.LoggedIn(Services.Log, user.UserId, session.Address);
        await session.SendAsync(new ResponseBuilder().Status("OK", null, "Logged in.")).ConfigureAwait(false);
    }

    /// <summary>A failed check: counted, slowed by the failures so far, and past the limit the connection ends.</summary>
    private async Task FailAsync(string login)
    {
        _failures++;
        Services.Metrics.AuthFailures.Add(1);
        if (Services.Log.IsEnabled(LogLevel.Information))
        {
            var shown = Printable(login);
            ManageSieveLog.LoginFailed(Services.Log, shown, session.Address, _failures);
        }

        await Task.Delay(session.Options.AuthFailureDelay * _failures, Services.Time).ConfigureAwait(false);
        if (_failures >= session.Options.MaxAuthFailures)
        {
            session.LoggingOut = true;
            await session.SendAsync(new ResponseBuilder().Status("BYE", null, "Too many failed logins.")).ConfigureAwait(false);
            return;
        }

        await session.SendAsync(new ResponseBuilder().Status("NO", null, "Authentication failed.")).ConfigureAwait(false);
    }

    /// <summary>What a client sent as its login, safe to log: printable and short.</summary>
    private static string Printable(string login)
    {
        var shown = new string([.. login.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        return login.Length > 64 ? shown + "…" : shown;
    }

    private void LeavePreLogin()
    {
        if (_preLoginKey is not null)
        {
            Services.Counts.Leave(_preLoginKey);
            _preLoginKey = null;
        }
    }
}
