using System.Net.Security;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Authentication;
using OrleansMail.Imap.Protocol;

namespace OrleansMail.Imap;

/// <summary>Any-state and not-authenticated commands: CAPABILITY, NOOP, LOGOUT, ID, STARTTLS, LOGIN, AUTHENTICATE, ENABLE, NAMESPACE.</summary>
internal sealed partial class ImapSession
{
    internal async Task<string?> CapabilityAsync(PlainRequest request)
    {
        await WriteLineAsync($"* CAPABILITY {Capabilities()}").ConfigureAwait(false);
        return "CAPABILITY completed";
    }

    internal async Task<string?> NoopAsync(PlainRequest request)
    {
        if (View is { } view)
        {
            // NOOP is how clients poll (RFC 3501 §6.1.2): look even without a notification.
            view.Dirty = true;
        }

        await Task.CompletedTask.ConfigureAwait(false);
        return "NOOP completed";
    }

    internal async Task<string?> LogoutAsync(PlainRequest request)
    {
        _out.Raw("* BYE Logging out\r\n");
        await LeaveUserAsync().ConfigureAwait(false);
        _state = new LogoutState();
        return "LOGOUT completed";
    }

    internal async Task<string?> IdAsync(IdRequest request)
    {
        // RFC 2971: the client's list is for logs only (short and printable); ours names the server.
        if (request.Fields is { } pairs && _log.IsEnabled(LogLevel.Information))
        {
            var id = string.Join(", ", pairs.Select(p => $"{LogSafe(p.Field, Options.MaxIdFieldLength)}={(p.Value is null ? "NIL" : LogSafe(p.Value, Options.MaxIdFieldLength))}"));
            ImapLog.ClientIdentified(_log, _address, id);
        }

        await WriteLineAsync("* ID (\"name\" \"OrleansMail\" \"vendor\" \"OrleansMail\" \"support-url\" \"https://github.com/orleansmail\")").ConfigureAwait(false);
        return "ID completed";
    }

    internal async Task<string?> StartTlsAsync(PlainRequest request)
    {
        if (_tls || _services.Certificate is null)
        {
            throw new ImapNoException(_tls ? "TLS is already active" : "TLS is not configured");
        }

        // CVE-2011-0411: anything pipelined after STARTTLS in plaintext is discarded.
        await WriteLineAsync($"{request.Tag} OK Begin TLS negotiation now").ConfigureAwait(false);
        if (_input.TryRead(out var pending))
        {
            _input.AdvanceTo(pending.Buffer.End);
        }

#pragma warning disable CA2000 // the TLS stream becomes the session's transport and lives as long as the connection
        var ssl = new SslStream(new DuplexPipeStream(_input, _out.Output), leaveInnerStreamOpen: false);
#pragma warning restore CA2000
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_loginDeadline.Token);
        handshake.CancelAfter(Options.TlsHandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _services.Certificate }, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // Nothing can be said to the client: the plaintext channel is over and the TLS one never began.
            _state = new LogoutState();
            throw new IOException("TLS handshake failed or timed out", e);
        }

        _input = PipeReader.Create(ssl);
        _out.Output = PipeWriter.Create(ssl);
        _tls = true;
        return null;
    }

    internal async Task<string?> LoginAsync(LoginRequest request)
    {
        if (LoginDisabled)
        {
            throw new ImapNoException("PRIVACYREQUIRED", "Use STARTTLS or the TLS port first");
        }

        return await CompleteLoginAsync(request.User, request.Password).ConfigureAwait(false);
    }

    internal async Task<string?> AuthenticateAsync(AuthenticateRequest request)
    {
        var (mechanism, initial) = (request.Mechanism, request.InitialResponse);
        if (LoginDisabled)
        {
            throw new ImapNoException("PRIVACYREQUIRED", "Use STARTTLS or the TLS port first");
        }

        switch (mechanism)
        {
            case "PLAIN":
                {
                    // RFC 4616: authzid NUL authcid NUL passwd; RFC 4959: "=" is an empty initial response.
                    var response = initial ?? await ChallengeAsync("").ConfigureAwait(false);
                    var decoded = Decode(response == "=" ? "" : response).Split('\0');
                    if (decoded.Length != 3)
                    {
                        throw new ImapSyntaxException("Malformed PLAIN response");
                    }

                    if (decoded[0].Length > 0 && !string.Equals(decoded[0], decoded[1], StringComparison.OrdinalIgnoreCase))
                    {
                        throw new ImapNoException("AUTHORIZATIONFAILED", "Acting as another user is not allowed");
                    }

                    return await CompleteLoginAsync(decoded[1], decoded[2]).ConfigureAwait(false);
                }

            case "LOGIN":
                {
                    var user = Decode(initial ?? await ChallengeAsync(Convert.ToBase64String("Username:"u8)).ConfigureAwait(false));
                    var password = Decode(await ChallengeAsync(Convert.ToBase64String("Password:"u8)).ConfigureAwait(false));
                    return await CompleteLoginAsync(user, password).ConfigureAwait(false);
                }

            default:
                throw new ImapNoException("CANNOT", $"Unsupported mechanism {mechanism}");
        }
    }

    private async Task<string> ChallengeAsync(string challenge)
    {
        await WriteLineAsync("+ " + challenge).ConfigureAwait(false);
        string? line;
        try
        {
            line = await ReadLineAsync(Math.Min(Options.MaxLineLength, Options.MaxPreLoginCommandSize), _loginDeadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _out.Raw("* BYE Autologout; no login in time\r\n");
            _state = new LogoutState();
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
        // Dovecot's auth_penalty: an address that failed recently waits before its next check is even queued.
        var penalty = _services.Penalty.DelayFor(_remote);
        if (penalty > TimeSpan.Zero)
        {
            await Task.Delay(penalty, _services.Time).ConfigureAwait(false);
        }

        var (result, user) = await _services.Passwords.CheckAsync(login, password).ConfigureAwait(false);
        if (result == LoginResult.Busy)
        {
            throw new ImapNoException("UNAVAILABLE", "Too many logins at once; try again shortly");
        }

        if (user is null)
        {
            var failures = ((NotAuthenticatedState)_state).Failures + 1;
            _state = new NotAuthenticatedState(failures);
            _services.Penalty.Failed(_remote);
            _services.Metrics.AuthFailures.Add(1);
            if (_log.IsEnabled(LogLevel.Information))
            {
                var shown = LogSafe(login, 64);
                ImapLog.LoginFailed(_log, shown, _address, failures);
            }

            await Task.Delay(Options.AuthFailureDelay * failures, _services.Time).ConfigureAwait(false);
            if (failures >= Options.MaxAuthFailures)
            {
                _out.Raw("* BYE Too many failed logins\r\n");
                _state = new LogoutState();
            }

            throw new ImapNoException("AUTHENTICATIONFAILED", "Authentication failed");
        }

        var key = "user:" + user.UserId;
        if (!_services.Limits.TryEnter(key, Options.MaxSessionsPerUser))
        {
            throw new ImapNoException("LIMIT", "Too many sessions for this user");
        }

        _userLimitKey = key;
        _services.Penalty.Succeeded(_remote);
        await EnterUserAsync(user).ConfigureAwait(false);
        ImapLog.LoggedIn(_log, user.UserId, _address);
        return $"[CAPABILITY {Capabilities()}] Logged in";
    }

    /// <summary>
    /// What a client said, fit for a log line: cut short, control characters (a forged second log line) escaped.
    /// Passwords never get here.
    /// </summary>
    private static string LogSafe(string text, int max)
    {
        var cut = text.Length <= max ? text : text[..max] + "…";
        return cut.Any(char.IsControl) ? string.Concat(cut.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString())) : cut;
    }

    internal async Task<string?> EnableAsync(EnableRequest request)
    {
        var enabled = new List<string>();
        foreach (var capability in request.Capabilities)
        {
            switch (capability)
            {
                case "CONDSTORE" when !_condStore:
                    _condStore = true;
                    enabled.Add("CONDSTORE");
                    break;
                case "QRESYNC" when !_qresync:
                    // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE.
                    _qresync = true;
                    _condStore = true;
                    enabled.Add("QRESYNC");
                    break;
            }
        }

        // RFC 5161: only what this command newly enabled is listed; unknown capabilities are ignored.
        await WriteLineAsync(enabled.Count == 0 ? "* ENABLED" : "* ENABLED " + string.Join(' ', enabled)).ConfigureAwait(false);
        return "ENABLE completed";
    }

    internal async Task<string?> NamespaceAsync(PlainRequest request)
    {
        await WriteLineAsync("* NAMESPACE ((\"\" \"/\")) NIL NIL").ConfigureAwait(false);
        return "NAMESPACE completed";
    }
}
