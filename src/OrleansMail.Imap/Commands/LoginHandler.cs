using System.Net.Security;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Authentication;
using OrleansMail.Accounts.Directory;
using OrleansMail.Imap.Protocol;

namespace OrleansMail.Imap;

/// <summary>
/// Getting in: STARTTLS, LOGIN and AUTHENTICATE (PLAIN, LOGIN; RFC 4959 initial responses), with what guards them:
/// an absolute login deadline, the per-address count of connections not yet logged in, the per-user session
/// limit, the address's failure penalty and the per-session failure count.
/// </summary>
internal sealed class LoginHandler(ImapSessionContext session, MailboxNotifications notifications) : IDisposable
{
    private CancellationTokenSource _deadline = new(session.Options.LoginTimeout, session.Services.Time);
    private string? _preLoginKey;
    private string? _userKey;

    /// <summary>Cancelled when the login timeout has passed since the connection opened.</summary>
    public CancellationToken Deadline => _deadline.Token;

    private ImapOptions Options => session.Options;

    private ImapServices Services => session.Services;

    /// <summary>Counts the connection against its address's not-logged-in connections; false past the limit.</summary>
    public bool TryAdmit()
    {
        var key = "pre:" + session.Address;
        if (!Services.Limits.TryEnter(key, Options.MaxUnauthenticatedPerAddress))
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

    public async Task<string?> StartTlsAsync(PlainRequest request)
    {
        if (session.Channel.Compressed)
        {
            // RFC 4978 §4: TLS goes under compression, never over it.
            throw new ImapNoException("CANNOT", "STARTTLS after COMPRESS is not allowed");
        }

        if (session.Channel.Tls || Services.Certificate is null)
        {
            throw new ImapNoException(session.Channel.Tls ? "TLS is already active" : "TLS is not configured");
        }

        session.Channel.DropPipelinedPlaintext();
        await session.WriteLineAsync($"{request.Tag} OK Begin TLS negotiation now").ConfigureAwait(false);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token);
        handshake.CancelAfter(Options.TlsHandshakeTimeout);
        try
        {
            await session.Channel.UpgradeToTlsAsync(new SslServerAuthenticationOptions { ServerCertificate = Services.Certificate }, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // Nothing can be said to the client: the plaintext channel is over and the TLS one never began.
            session.State = new LogoutState();
            throw new IOException("TLS handshake failed or timed out", e);
        }

        return null;
    }

    public async Task<string?> LoginAsync(LoginRequest request)
    {
        RefuseWithoutTls();
        return await CompleteLoginAsync(request.User, request.Password).ConfigureAwait(false);
    }

    public async Task<string?> AuthenticateAsync(AuthenticateRequest request)
    {
        RefuseWithoutTls();
        var initial = request.InitialResponse;
        switch (request.Mechanism)
        {
            case "PLAIN":
                {
                    // RFC 4616: authzid NUL authcid NUL passwd; RFC 4959: "=" is an empty initial response.
                    var response = initial ?? await ChallengeAsync("").ConfigureAwait(false);
                    if (!SaslPlain.TryDecode(response == "=" ? "" : response, out var plain))
                    {
                        throw new ImapSyntaxException("Malformed PLAIN response");
                    }

                    if (plain.ActsAsAnother)
                    {
                        throw new ImapNoException("AUTHORIZATIONFAILED", "Acting as another user is not allowed");
                    }

                    return await CompleteLoginAsync(plain.Login, plain.Password).ConfigureAwait(false);
                }

            case "LOGIN":
                {
                    var user = Decode(initial ?? await ChallengeAsync(Convert.ToBase64String("Username:"u8)).ConfigureAwait(false));
                    var password = Decode(await ChallengeAsync(Convert.ToBase64String("Password:"u8)).ConfigureAwait(false));
                    return await CompleteLoginAsync(user, password).ConfigureAwait(false);
                }

            default:
                throw new ImapNoException("CANNOT", $"Unsupported mechanism {request.Mechanism}");
        }
    }

    /// <summary>
    /// UNAUTHENTICATE (RFC 8437): back to the not-authenticated state as if the connection were new (TLS stays):
    /// the user's slot and notices given back, nothing selected or enabled, a fresh login deadline, and the
    /// connection counted against its address's not-logged-in connections again.
    /// </summary>
    public async Task<string?> UnauthenticateAsync(PlainRequest request)
    {
        await LeaveUserAsync().ConfigureAwait(false);
        session.Extensions.Reset();
        session.Notify = null;
        session.State = new NotAuthenticatedState(0);
        _deadline.Dispose();
        _deadline = new CancellationTokenSource(Options.LoginTimeout, Services.Time);
        if (!TryAdmit())
        {
            session.Out.Raw("* BYE [UNAVAILABLE] Too many connections from your address are not logged in\r\n");
            session.State = new LogoutState();
        }

        return "UNAUTHENTICATE completed";
    }

    /// <summary>The session gives back its user's session slot and its change notices.</summary>
    public async Task LeaveUserAsync()
    {
        if (_userKey is not null)
        {
            Services.Limits.Leave(_userKey);
            _userKey = null;
        }

        await notifications.StopAsync().ConfigureAwait(false);
    }

    private void RefuseWithoutTls()
    {
        if (session.LoginDisabled)
        {
            throw new ImapNoException("PRIVACYREQUIRED", "Use STARTTLS or the TLS port first");
        }
    }

    private async Task<string> ChallengeAsync(string challenge)
    {
        await session.WriteLineAsync("+ " + challenge).ConfigureAwait(false);
        string? line;
        try
        {
            line = await session.Channel.ReadLineAsync(Math.Min(Options.MaxLineLength, Options.MaxPreLoginCommandSize), _deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            session.Out.Raw("* BYE Autologout; no login in time\r\n");
            session.State = new LogoutState();
            throw new ImapNoException("AUTHENTICATE timed out");
        }

        line = line ?? throw new IOException("connection closed during AUTHENTICATE");
        if (line == "*")
        {
            throw new ImapSyntaxException("AUTHENTICATE cancelled");
        }

        return line;
    }

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new ImapSyntaxException("Invalid base64");
        }
    }

    private async Task<string> CompleteLoginAsync(string login, string password)
    {
        // Short of memory, a new session is refused before its password costs anything; open ones carry on.
        if (Services.Memory.IsShort)
        {
            Services.Metrics.ShedLogins.Add(1);
            throw new ImapNoException("UNAVAILABLE", "The server is short of memory; try again shortly");
        }

        // Dovecot's auth_penalty: an address that failed recently waits before its next check is even queued.
        var (result, user) = await Services.Logins.CheckAsync(login, password, session.Remote).ConfigureAwait(false);
        if (result == LoginResult.Busy)
        {
            throw new ImapNoException("UNAVAILABLE", "Too many logins at once; try again shortly");
        }

        if (user is null)
        {
            await FailAsync(login).ConfigureAwait(false);
        }

        var key = "user:" + user!.UserId;
        if (!Services.Limits.TryEnter(key, Options.MaxSessionsPerUser))
        {
            throw new ImapNoException("LIMIT", "Too many sessions for this user");
        }

        _userKey = key;
        await EnterAsync(user).ConfigureAwait(false);
        ImapLog.LoggedIn(session.Log, user.UserId, session.Address);
        return $"[CAPABILITY {session.Capabilities()}] Logged in";
    }

    /// <summary>A failed check: counted, penalised, slowed by the failures so far, and past the limit the connection ends.</summary>
    private async Task FailAsync(string login)
    {
        var failures = ((NotAuthenticatedState)session.State).Failures + 1;
        session.State = new NotAuthenticatedState(failures);
        Services.Metrics.AuthFailures.Add(1);
        if (session.Log.IsEnabled(LogLevel.Information))
        {
            var shown = LogText.Safe(login, 64);
            ImapLog.LoginFailed(session.Log, shown, session.Address, failures);
        }

        await Task.Delay(Options.AuthFailureDelay * failures, Services.Time).ConfigureAwait(false);
        if (failures >= Options.MaxAuthFailures)
        {
            session.Out.Raw("* BYE Too many failed logins\r\n");
            session.State = new LogoutState();
        }

        throw new ImapNoException("AUTHENTICATIONFAILED", "Authentication failed");
    }

    private async Task EnterAsync(UserEntry user)
    {
        LeavePreLogin();
        session.State = new AuthenticatedState(user);
        await notifications.StartAsync(user).ConfigureAwait(false);
    }

    private void LeavePreLogin()
    {
        if (_preLoginKey is not null)
        {
            Services.Limits.Leave(_preLoginKey);
            _preLoginKey = null;
        }
    }
}
