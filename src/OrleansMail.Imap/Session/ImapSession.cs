using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// One IMAP connection (RFC 3501 with the extensions in RFCS.md): reads commands through the pure parser, runs each
/// by the command table on the handler of its family, and after it brings the selected view up to date at the
/// points the RFC allows. A store or cluster failure is "NO [UNAVAILABLE]", a bug "NO [SERVERBUG]"; the session goes on.
/// </summary>
internal sealed class ImapSession : IDisposable
{
    private readonly ImapSessionContext _session;
    private readonly ImapCommandParser _parser;
    private int _badCommands;
    private CommandPacer? _pacer;

    public ImapSession(ConnectionContext connection, ImapServices services, bool tls)
    {
        var channel = new ImapChannel(connection, services.Options.WriteTimeout, services.Time, tls);
        _session = new ImapSessionContext(services, channel, (connection.RemoteEndPoint as IPEndPoint)?.Address);
        _parser = new ImapCommandParser(PreLoginLimits());
        var notifications = new MailboxNotifications(_session);
        Search = new SearchHandler(_session);
        Sync = new ViewSync(_session, notifications, new SearchContextUpdates(_session, Search));
        Login = new LoginHandler(_session, notifications);
        General = new GeneralHandler(_session, Login);
        Select = new SelectHandler(_session, Sync, notifications);
        Mailboxes = new MailboxHandler(_session);
        List = new ListHandler(_session);
        Append = new AppendHandler(_session, _parser);
        Fetch = new FetchHandler(_session, Sync);
        Delivery = new NotifyDelivery(_session, Sync, Fetch, List);
        Notify = new NotifyHandler(_session, Sync, notifications, Delivery);
        Idle = new IdleHandler(_session, Delivery, notifications);
        _notifications = notifications;
        Store = new StoreHandler(_session, Sync);
        Sort = new SortHandler(_session, Search);
        Quota = new QuotaHandler(_session);
        Metadata = new MetadataHandler(_session);
        Acl = new AclHandler(_session);
    }

    internal GeneralHandler General { get; }

    internal LoginHandler Login { get; }

    internal SelectHandler Select { get; }

    internal MailboxHandler Mailboxes { get; }

    internal ListHandler List { get; }

    internal AppendHandler Append { get; }

    internal IdleHandler Idle { get; }

    internal FetchHandler Fetch { get; }

    internal StoreHandler Store { get; }

    internal SearchHandler Search { get; }

    internal SortHandler Sort { get; }

    internal QuotaHandler Quota { get; }

    internal MetadataHandler Metadata { get; }

    internal AclHandler Acl { get; }

    internal NotifyHandler Notify { get; }

    private NotifyDelivery Delivery { get; }

    private readonly MailboxNotifications _notifications;

    private ViewSync Sync { get; }

    private ImapOptions Options => _session.Options;

    private ImapServices Services => _session.Services;

    private PipeReader Input => _session.Channel.Input;

    /// <summary>Releases the login deadline's timer; the connection itself belongs to Kestrel.</summary>
    public void Dispose() => Login.Dispose();

    public async Task RunAsync()
    {
        var addressKey = "ip:" + _session.Address;
        if (!Services.Limits.TryEnter(addressKey, Options.MaxSessionsPerAddress))
        {
            await _session.WriteLineAsync("* BYE [UNAVAILABLE] Too many connections from your address").ConfigureAwait(false);
            return;
        }

        if (!Login.TryAdmit())
        {
            Services.Limits.Leave(addressKey);
            await _session.WriteLineAsync("* BYE [UNAVAILABLE] Too many connections from your address are not logged in").ConfigureAwait(false);
            return;
        }

        Services.Metrics.Sessions.Add(1);
        try
        {
            await _session.WriteLineAsync($"* OK [CAPABILITY {_session.Capabilities()}] {Options.Hostname} OrleansMail IMAP ready").ConfigureAwait(false);
            while (_session.State is not LogoutState)
            {
                // Between commands too (NOTIFY tells while it waits), every grain call acts for the logged-in user:
                // none may reach another user's grain as its owner.
                ActForUser();
                var command = await ReadCommandAsync().ConfigureAwait(false);
                if (command is null)
                {
                    break;
                }

                await ExecuteAsync(command).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or ObjectDisposedException or InvalidOperationException { Source: "System.IO.Pipelines" })
        {
            ImapLog.ConnectionEnded(_session.Log, e, _session.Address);
        }
        finally
        {
            Login.Dispose();
            await Login.LeaveUserAsync().ConfigureAwait(false);
            Services.Limits.Leave(addressKey);
            Services.Metrics.Sessions.Add(-1);
        }
    }

    /// <summary>Before login a command may bring a few KiB at most, and no message (APPEND needs a login anyway).</summary>
    private ImapParserLimits PreLoginLimits() => new()
    {
        MaxLineLength = Math.Min(Options.MaxLineLength, Options.MaxPreLoginCommandSize),
        MaxArgumentLiteral = Math.Min(Options.MaxArgumentLiteral, Options.MaxPreLoginCommandSize),
        MaxCommandSize = Options.MaxPreLoginCommandSize,
        MaxStreamedLiteral = 0,
        SkipFactor = 4,
    };

    private ImapParserLimits LoggedInLimits() => new()
    {
        MaxLineLength = Options.MaxLineLength,
        MaxArgumentLiteral = Options.MaxArgumentLiteral,
        MaxCommandSize = Math.Max(Options.MaxCommandSize, Options.MaxLineLength),
        MaxStreamedLiteral = Services.Ingest.MaxMessageSize,
    };

    /// <summary>The next complete command; null when the client went away or timed out.</summary>
    private async Task<ImapCommand?> ReadCommandAsync()
    {
        // Between commands a NOTIFY client hears of changes as they happen; inside one (a command line sent in
        // parts, a literal) it does not, so nothing lands in the middle of what it is writing.
        var midCommand = false;
        while (true)
        {
            ReadResult read;
            // Before login the deadline is absolute (a client trickling a byte at a time gains nothing); after it,
            // RFC 3501 §5.4's autologout timer restarts with each read.
            var loggedIn = _session.State is not NotAuthenticatedState;
            using (var timeout = loggedIn ? new CancellationTokenSource(Options.IdleTimeout, Services.Time) : null)
            {
                try
                {
                    var pending = Input.ReadAsync(timeout?.Token ?? Login.Deadline);
                    read = midCommand || pending.IsCompleted || _session.Notify is null
                        ? await pending.ConfigureAwait(false)
                        : await NotifyWhileWaitingAsync(pending.AsTask()).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await _session.WriteLineAsync(loggedIn ? "* BYE Autologout; idle for too long" : "* BYE Autologout; no login in time").ConfigureAwait(false);
                    return null;
                }
            }

            var buffer = read.Buffer;
            while (true)
            {
                var result = _parser.Parse(ref buffer);
                switch (result.Status)
                {
                    case ImapParseStatus.Command:
                        Input.AdvanceTo(buffer.Start);
                        return result.Command;

                    case ImapParseStatus.NeedContinuation:
                        midCommand = true;
                        await _session.WriteLineAsync("+ Ready for literal data").ConfigureAwait(false);
                        continue;

                    case ImapParseStatus.Error:
                        if (!await AnswerParseErrorAsync(result).ConfigureAwait(false))
                        {
                            Input.AdvanceTo(buffer.Start);
                            return null;
                        }

                        continue;

                    case ImapParseStatus.StreamLiteral:
                        midCommand = true;
                        Input.AdvanceTo(buffer.Start);
                        if (!await Append.StreamLiteralAsync(result).ConfigureAwait(false))
                        {
                            return null;
                        }

                        goto nextRead;

                    default:
                        midCommand |= !buffer.IsEmpty;
                        Input.AdvanceTo(buffer.Start, buffer.End);
                        if (read.IsCompleted)
                        {
                            return null;
                        }

                        goto nextRead;
                }
            }

        nextRead:;
        }
    }

    /// <summary>
    /// Waits for the client's next bytes while telling it what NOTIFY asked for (RFC 5465 §3.1: "even when no
    /// command is in progress"): woken by the grains' notices, and every poll interval to make up for a lost one.
    /// A store out of reach only delays what is told.
    /// </summary>
    private async Task<ReadResult> NotifyWhileWaitingAsync(Task<ReadResult> read)
    {
        while (!read.IsCompleted)
        {
            var changed = _notifications.Changed;
            var poll = _notifications.Poll;
            var first = await Task.WhenAny(read, changed, poll).ConfigureAwait(false);
            if (first == read)
            {
                break;
            }

            _notifications.Rearm();
            if (first == poll)
            {
                _notifications.RenewAtNextLook();
                if (_session.View is { } view)
                {
                    view.Dirty = true;
                }
            }

            try
            {
                await Delivery.DeliverAsync(inIdle: false, poll: first == poll).ConfigureAwait(false);
            }
            catch (Exception e) when (ImapErrors.TryDescribe(e, out _))
            {
                ImapLog.IdlePollFailed(_session.Log, e);
            }

            if (_session.State is LogoutState)
            {
                // The selected mailbox went away: the BYE is written; the client's next bytes do not matter.
                await _session.FlushAsync().ConfigureAwait(false);
                break;
            }
        }

        return await read.ConfigureAwait(false);
    }

    /// <summary>A command the parser could not read: BAD, and false when the session ends for it.</summary>
    private async Task<bool> AnswerParseErrorAsync(ImapParseResult result)
    {
        // A malformed APPEND may already have spooled messages: they belong to no command now.
        Append.Discard();
        var code = result.ErrorCode is null ? "" : $"[{result.ErrorCode}] ";
        _session.Out.Raw($"{result.Tag ?? "*"} BAD {code}{result.Error}\r\n");
        var end = result.Fatal || ++_badCommands >= Options.MaxBadCommands;
        if (end)
        {
            _session.Out.Raw(result.Fatal ? "* BYE Too much to skip\r\n" : "* BYE Too many invalid commands\r\n");
        }

        await _session.FlushAsync().ConfigureAwait(false);
        return !end;
    }

    private async Task ExecuteAsync(ImapCommand command)
    {
        Services.Metrics.Commands.Add(1);
        await GuardRateAsync().ConfigureAwait(false);
        if (!ImapCommandTable.TryGet(command.Name, out var spec) || (command.Uid && !spec.HasUidForm))
        {
            Append.Discard();
            await AnswerBadAsync(command.Tag, $"Unknown command {(command.Uid ? "UID " : "")}{command.Name}").ConfigureAwait(false);
            return;
        }

        if (!spec.States.HasFlag(_session.States))
        {
            Append.Discard();
            await AnswerBadAsync(command.Tag, $"{command.Name} is not valid in this state").ConfigureAwait(false);
            return;
        }

        var wasLoggedIn = _session.State is not NotAuthenticatedState;

        // Every grain call this command makes acts for the logged-in user: another user's grain grants only what
        // its access control lists give that user (RFC 4314).
        ActForUser();
        string status;
        try
        {
            var request = ImapRequestParser.Parse(command, utf8Names: _session.Extensions.Utf8Names);
            if (request.HasInvalidMailboxName)
            {
                // Names that are not modified UTF-7 were never created (CREATE refuses them), so none exists.
                throw new ImapNoException(spec.Name is "CREATE" or "RENAME" ? "CANNOT" : "NONEXISTENT", "Mailbox name is not valid modified UTF-7");
            }

            var condStore = _session.Extensions.CondStore;
            if (spec.States == ImapStates.Selected && _session.State is SelectedState { View: var shared, User: var me } && shared.Owner != me.UserId)
            {
                // Rights on another user's mailbox can change while it is selected, and bodies and cached flags are
                // served without the owner's grain: it says first whether this user may still read (RFC 4314).
                await _session.MailboxGrain.FetchAsync(shared.Id, UidSet.Empty).ConfigureAwait(false);
            }

            var text = await spec.Run(this, request).ConfigureAwait(false);
            if (_session.State is SelectedState { View: var view } && spec.Name is not ("SELECT" or "EXAMINE"))
            {
                await Delivery.SyncSelectedAsync(expungeAllowed: !spec.DefersExpunge || command.Uid).ConfigureAwait(false);
                if (!condStore && _session.Extensions.CondStore)
                {
                    // RFC 7162 §3.1: the first CONDSTORE-enabling command while a mailbox is selected tells its HIGHESTMODSEQ.
                    _session.Out.Raw($"* OK [HIGHESTMODSEQ {Math.Max(1, view.SyncedModSeq)}] Highest\r\n");
                }
            }

            if (text is null)
            {
                return;
            }

            status = "OK " + text;

            // As Dovecot's bad_counter: only BADs in a row count, so a long session's occasional BAD never adds up.
            _badCommands = 0;
        }
        catch (ImapSyntaxException e)
        {
            await AnswerBadAsync(command.Tag, e.Message).ConfigureAwait(false);
            return;
        }
        catch (ImapNoException e)
        {
            status = "NO " + (e.Code is null ? "" : $"[{e.Code}] ") + e.Message;
        }
        catch (Exception e) when (ImapErrors.TryDescribe(e, out var described))
        {
            ImapLog.CommandFailed(_session.Log, command.Name, (_session.State as AuthenticatedState)?.User.UserId ?? _session.View?.Name, e.Message);
            status = described;
        }
        catch (Exception e) when (e is not (IOException or ConnectionResetException or ConnectionAbortedException))
        {
            ImapLog.CommandFailedUnexpectedly(_session.Log, e, command.Name);
            status = "NO [SERVERBUG] Internal error; the event was logged";
        }
        finally
        {
            Append.Discard();
            if (!wasLoggedIn && _session.State is AuthenticatedState)
            {
                // A logged-in client may send messages and longer commands.
                _parser.Limits = LoggedInLimits();
            }
            else if (wasLoggedIn && _session.State is NotAuthenticatedState)
            {
                // UNAUTHENTICATE: the pre-login budgets hold again.
                _parser.Limits = PreLoginLimits();
            }
        }

        await _session.WriteLineAsync($"{command.Tag} {status}").ConfigureAwait(false);
    }

    /// <summary>
    /// From here on in this flow, grain calls carry the logged-in user (<see cref="MailAccessor"/>) and this session
    /// as the origin of what they change (<see cref="ChangeOrigin"/>); before login, no one.
    /// </summary>
    private void ActForUser()
    {
        MailAccessor.ActAs(_session.State switch
        {
            AuthenticatedState a => a.User.UserId,
            SelectedState s => s.User.UserId,
            _ => null,
        });
        ChangeOrigin.Set(_session.Id);
    }

    /// <summary>A tagged BAD; past <see cref="ImapOptions.MaxBadCommands"/> of them in a row the session is closed.</summary>
    private async Task AnswerBadAsync(string tag, string text)
    {
        _session.Out.Raw($"{tag} BAD {text}\r\n");
        if (++_badCommands >= Options.MaxBadCommands)
        {
            _session.Out.Raw("* BYE Too many invalid commands\r\n");
            _session.State = new LogoutState();
        }

        await _session.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>A command-rate guard: past the configured rate a session is slowed, not cut off.</summary>
    private async Task GuardRateAsync()
    {
        _pacer ??= new CommandPacer(Options.MaxCommandsPerSecond, Services.Time);
        if (_pacer.Admit() is { Ticks: > 0 } wait)
        {
            await Task.Delay(wait, Services.Time).ConfigureAwait(false);
        }
    }
}
