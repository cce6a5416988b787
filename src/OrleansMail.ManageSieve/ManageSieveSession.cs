using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using OrleansMail.Accounts.Directory;
using OrleansMail.Connections;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Sieve;

namespace OrleansMail.ManageSieve;

/// <summary>
/// One ManageSieve connection (RFC 5804): the greeting, then commands read one at a time and answered in order. A
/// store or cluster failure is NO (TRYLATER) and the session goes on; a line that cannot be read is NO, and past
/// <see cref="ManageSieveOptions.MaxBadCommands"/> of those in a row the session ends.
/// </summary>
internal sealed class ManageSieveSession : IDisposable
{
    private readonly ManageSieveLogin _login;
    private readonly ScriptCommands _scripts;
    private int _badCommands;
    private CommandPacer? _pacer;

    public ManageSieveSession(ConnectionContext connection, ManageSieveServices services, bool tls)
    {
        Services = services;
        Channel = new ManageSieveChannel(connection, services.Options.WriteTimeout, services.Time, tls);
        Remote = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        Address = Remote?.ToString() ?? "local";
        _login = new ManageSieveLogin(this);
        _scripts = new ScriptCommands(this);
    }

    public ManageSieveServices Services { get; }

    public ManageSieveOptions Options => Services.Options;

    public ManageSieveChannel Channel { get; }

    /// <summary>The client's address; null for a Unix socket.</summary>
    public IPAddress? Remote { get; }

    public string Address { get; }

    /// <summary>Who logged in; null before login.</summary>
    public UserEntry? User { get; set; }

    public bool LoggingOut { get; set; }

    /// <summary>
    /// Passwords are taken over TLS, from a loopback or Unix-socket client, or anywhere when the administrator
    /// allows plaintext logins (Dovecot's disable_plaintext_auth).
    /// </summary>
    public bool PlaintextLoginAllowed => Channel.Tls || Remote is null || IPAddress.IsLoopback(Remote) || Options.AllowPlaintextLogin;

    public void Dispose() => _login.Dispose();

    public async Task RunAsync()
    {
        var addressKey = "sieve-ip:" + Address;
        if (!Services.Counts.TryEnter(addressKey, Options.MaxSessionsPerAddress))
        {
            await SendAsync(new ResponseBuilder().Status("BYE", "TRYLATER", "Too many connections from your address")).ConfigureAwait(false);
            return;
        }

        Services.Metrics.Sessions.Add(1);
        try
        {
            if (!_login.TryAdmit())
            {
                await SendAsync(new ResponseBuilder().Status("BYE", "TRYLATER", "Too many connections from your address are not logged in")).ConfigureAwait(false);
                return;
            }

            await SendAsync(Capabilities().Status("OK", null, $"{Options.Hostname} OrleansMail ManageSieve ready.")).ConfigureAwait(false);
            while (!LoggingOut)
            {
                MailAccessor.ActAs(User?.UserId);
                ManageSieveCommand? command;
                try
                {
                    command = await ReadCommandAsync().ConfigureAwait(false);
                }
                catch (ManageSieveSyntaxException e)
                {
                    // The malformed line is gone; what was pipelined after it is read next.
                    await SendAsync(new ResponseBuilder().Status("NO", null, e.Message)).ConfigureAwait(false);
                    await CountAsync(ok: false).ConfigureAwait(false);
                    continue;
                }

                if (command is null)
                {
                    break;
                }

                _pacer ??= new CommandPacer(Options.MaxCommandsPerSecond, Services.Time);
                if (_pacer.Admit() is { } wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, Services.Time).ConfigureAwait(false);
                }

                await ExecuteAsync(command).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or ObjectDisposedException or InvalidOperationException { Source: "System.IO.Pipelines" })
        {
            ManageSieveLog.ConnectionEnded(Services.Log, e, Address);
        }
        finally
        {
            _login.LeaveUser();
            Services.Counts.Leave(addressKey);
            Services.Metrics.Sessions.Add(-1);
        }
    }

    /// <summary>
    /// The next command, bounded in time (the login deadline before login, the idle timeout after) and in size (a
    /// few KiB before login; a script and a line after).
    /// </summary>
    public async Task<ManageSieveCommand?> ReadCommandAsync()
    {
        using var timeout = User is null
            ? CancellationTokenSource.CreateLinkedTokenSource(_login.Deadline)
            : new CancellationTokenSource(Options.IdleTimeout, Services.Time);
        var limits = User is null
            ? new CommandLimits(Math.Min(Options.MaxLineLength, Options.MaxPreLoginCommandSize), Options.MaxPreLoginCommandSize, 0)
            : new CommandLimits(Options.MaxLineLength, Options.MaxLineLength + ScriptCommands.MaxScriptBytes, Options.MaxSkippedLiteral);
        try
        {
            return await Channel.Reader.ReadAsync(limits, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await SendAsync(new ResponseBuilder().Status("BYE", null, User is null ? "No login in time." : "Disconnected for inactivity.")).ConfigureAwait(false);
            LoggingOut = true;
            return null;
        }
        catch (InvalidDataException e)
        {
            // Nothing after this can be read as a command: say why, and end.
            await SendAsync(new ResponseBuilder().Status("BYE", null, e.Message + ".")).ConfigureAwait(false);
            LoggingOut = true;
            return null;
        }
    }

    /// <summary>Sends a response; when the session is logging out, the loop ends after it and Kestrel closes the connection once it is written.</summary>
    public Task SendAsync(ResponseBuilder response) => Channel.SendAsync(response);

    /// <summary>RFC 5804 §1.7: the capability lines, without the closing OK.</summary>
    public ResponseBuilder Capabilities()
    {
        var response = new ResponseBuilder();
        response.String("IMPLEMENTATION").Space().String("OrleansMail").CrLf();
        response.String("SASL").Space().String(PlaintextLoginAllowed && User is null ? "PLAIN LOGIN" : "").CrLf();
        response.String("SIEVE").Space().String(string.Join(' ', SieveScript.ExtensionsFor(Services.SieveRules))).CrLf();
        if (User is null && !Channel.Tls && Services.Certificate is not null)
        {
            response.String("STARTTLS").CrLf();
        }

        if (User is not null)
        {
            response.String("OWNER").Space().String(User.UserId).CrLf();
        }

        response.String("UNAUTHENTICATE").CrLf();
        response.String("VERSION").Space().String("1.0").CrLf();
        return response;
    }

    private async Task ExecuteAsync(ManageSieveCommand command)
    {
        var ok = true;
        try
        {
            await DispatchAsync(command).ConfigureAwait(false);
        }
        catch (ManageSieveSyntaxException e)
        {
            ok = false;
            await SendAsync(new ResponseBuilder().Status("NO", null, e.Message)).ConfigureAwait(false);
        }
        catch (ManageSieveNoException e)
        {
            await SendAsync(new ResponseBuilder().Status("NO", e.Code, e.Message)).ConfigureAwait(false);
        }
        catch (MailStoreException e)
        {
            await SendAsync(new ResponseBuilder().Status("NO", CodeOf(e.Kind), e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (IOException or ConnectionResetException or ConnectionAbortedException or ObjectDisposedException or OperationCanceledException))
        {
            // The cluster or the store failed (a grain call timed out, a silo went): the client may try again.
            ManageSieveLog.CommandFailed(Services.Log, e, command.Name, User?.UserId);
            await SendAsync(new ResponseBuilder().Status("NO", "TRYLATER", "The server could not do that now; try again shortly")).ConfigureAwait(false);
        }

        await CountAsync(ok).ConfigureAwait(false);
    }

    private async Task DispatchAsync(ManageSieveCommand command)
    {
        switch (command.Name)
        {
            case null when command.Arguments.Count == 0:
                throw new ManageSieveSyntaxException("Empty command");
            case null:
                throw new ManageSieveSyntaxException("Expected a command name");
            case "CAPABILITY":
                Expect(command, 0, 0, "CAPABILITY");
                await SendAsync(Capabilities().Status("OK", null, "Capability completed.")).ConfigureAwait(false);
                return;
            case "LOGOUT":
                Expect(command, 0, 0, "LOGOUT");
                LoggingOut = true;
                await SendAsync(new ResponseBuilder().Status("OK", null, "Logout completed.")).ConfigureAwait(false);
                return;
            case "NOOP":
                await NoopAsync(command).ConfigureAwait(false);
                return;
            case "STARTTLS":
                Expect(command, 0, 0, "STARTTLS");
                await StartTlsAsync().ConfigureAwait(false);
                return;
            case "AUTHENTICATE":
                await _login.AuthenticateAsync(command).ConfigureAwait(false);
                return;
            case "UNAUTHENTICATE":
                Expect(command, 0, 0, "UNAUTHENTICATE");
                await _login.UnauthenticateAsync().ConfigureAwait(false);
                return;
        }

        if (!ScriptCommands.Names.Contains(command.Name))
        {
            throw new ManageSieveSyntaxException($"Unknown command {LogSafe(command.Name)}");
        }

        if (User is null)
        {
            throw new ManageSieveSyntaxException("Log in first");
        }

        await _scripts.ExecuteAsync(command, User).ConfigureAwait(false);
    }

    /// <summary>RFC 5804 §2.15: NOOP with a string echoes it in a TAG response code.</summary>
    private async Task NoopAsync(ManageSieveCommand command)
    {
        Expect(command, 0, 1, "NOOP [tag]");
        if (command.Arguments.Count == 0)
        {
            await SendAsync(new ResponseBuilder().Status("OK", null, "Done.")).ConfigureAwait(false);
            return;
        }

        var tag = Text(command.Arguments[0], "tag");
        var response = new ResponseBuilder().Atom("OK (TAG ").String(tag).Atom(") ").String("Done.").CrLf();
        await SendAsync(response).ConfigureAwait(false);
    }

    /// <summary>RFC 5804 §2.2: only before login; after the handshake the capabilities are sent again, then OK.</summary>
    private async Task StartTlsAsync()
    {
        if (User is not null)
        {
            throw new ManageSieveNoException("STARTTLS is allowed only before login");
        }

        if (Channel.Tls || Services.Certificate is null)
        {
            throw new ManageSieveNoException(Channel.Tls ? "TLS is already active" : "TLS is not configured");
        }

        Channel.DropPipelinedPlaintext();
        await SendAsync(new ResponseBuilder().Status("OK", null, "Begin TLS negotiation now.")).ConfigureAwait(false);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_login.Deadline);
        handshake.CancelAfter(Options.TlsHandshakeTimeout);
        try
        {
            await Channel.UpgradeToTlsAsync(new SslServerAuthenticationOptions { ServerCertificate = Services.Certificate }, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // Nothing can be said to the client: the plaintext channel is over and the TLS one never began.
            LoggingOut = true;
            throw new IOException("TLS handshake failed or timed out", e);
        }

        await SendAsync(Capabilities().Status("OK", null, "TLS negotiation successful.")).ConfigureAwait(false);
    }

    private async Task CountAsync(bool ok)
    {
        if (ok)
        {
            _badCommands = 0;
            return;
        }

        if (++_badCommands >= Options.MaxBadCommands && !LoggingOut)
        {
            LoggingOut = true;
            await SendAsync(new ResponseBuilder().Status("BYE", null, "Too many invalid commands.")).ConfigureAwait(false);
        }
    }

    /// <summary>Checks the argument count; too few or too many is a syntax error naming the command's form.</summary>
    public static void Expect(ManageSieveCommand command, int min, int max, string form)
    {
        if (command.Arguments.Count < min || command.Arguments.Count > max)
        {
            throw new ManageSieveSyntaxException($"Syntax: {form}");
        }
    }

    /// <summary>A string argument as text; a number or a string that is not UTF-8 is a syntax error.</summary>
    public static string Text(ManageSieveArgument argument, string what) =>
        argument.TryGetText(out var text) ? text : throw new ManageSieveSyntaxException($"The {what} must be a UTF-8 string");

    private static string LogSafe(string name) => name.Length > 32 ? name[..32] : name;

    private static string? CodeOf(MailStoreErrorKind kind) => kind switch
    {
        MailStoreErrorKind.NotFound => "NONEXISTENT",
        MailStoreErrorKind.AlreadyExists => "ALREADYEXISTS",
        MailStoreErrorKind.InUse => "ACTIVE",
        MailStoreErrorKind.OverQuota => "QUOTA/MAXSIZE",
        MailStoreErrorKind.Limit => "QUOTA/MAXSCRIPTS",
        MailStoreErrorKind.Unavailable => "TRYLATER",
        _ => null,
    };
}
