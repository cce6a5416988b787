using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Authentication;
using OrleansMail.Accounts.Directory;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>
/// One IMAP connection (RFC 3501 with the extensions in RFCS.md): reads commands through the pure parser, runs
/// them by the command table, and keeps the selected mailbox's view in step with the store at the points the RFC
/// allows. A store or cluster failure is "NO [UNAVAILABLE]", a bug "NO [SERVERBUG]"; the session goes on.
/// </summary>
internal sealed partial class ImapSession : IDisposable
{
    private readonly ConnectionContext _connection;
    private readonly ImapServices _services;
    private readonly ILogger _log;
    private readonly ImapCommandParser _parser;
    private readonly string _address;
    private readonly IPAddress? _remote;
    private readonly CancellationTokenSource _loginDeadline;
    private string? _unauthenticatedKey;
    private PipeReader _input;
    private readonly ImapResponseWriter _out;
    private ImapState _state = new NotAuthenticatedState(0);
    private bool _tls;
    private IMailboxObserver? _observerReference;
    private MailboxChangeObserver? _observer;
    private IUserGrain? _observedUser;
    private DateTimeOffset _subscribedAt;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _userLimitKey;
    private long _rateWindowStart;
    private int _rateCount;
    private int _badCommands;

    public ImapSession(ConnectionContext connection, ImapServices services, bool tls)
    {
        _connection = connection;
        _services = services;
        _log = services.Log;
        _tls = tls;
        _input = connection.Transport.Input;
        _out = new ImapResponseWriter(connection.Transport.Output);
        _parser = new ImapCommandParser(PreLoginLimits());
        _remote = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        _address = _remote?.ToString() ?? "local";
        _loginDeadline = new CancellationTokenSource(Options.LoginTimeout, services.Time);
    }

    /// <summary>Releases the login deadline's timer; the connection itself belongs to Kestrel.</summary>
    public void Dispose() => _loginDeadline.Dispose();

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
        MaxStreamedLiteral = _services.Ingest.MaxMessageSize,
    };

    private ImapOptions Options => _services.Options;

    private UserEntry User => _state switch
    {
        AuthenticatedState a => a.User,
        SelectedState s => s.User,
        _ => throw new InvalidOperationException("not logged in"),
    };

    private IUserGrain Grain => _services.Grains.GetGrain<IUserGrain>(User.UserId);

    private SelectedMailbox? View => (_state as SelectedState)?.View;

    public async Task RunAsync()
    {
        var addressKey = "ip:" + _address;
        if (!_services.Limits.TryEnter(addressKey, Options.MaxSessionsPerAddress))
        {
            await WriteLineAsync("* BYE [UNAVAILABLE] Too many connections from your address").ConfigureAwait(false);
            return;
        }

        var preLoginKey = "pre:" + _address;
        if (!_services.Limits.TryEnter(preLoginKey, Options.MaxUnauthenticatedPerAddress))
        {
            _services.Limits.Leave(addressKey);
            await WriteLineAsync("* BYE [UNAVAILABLE] Too many connections from your address are not logged in").ConfigureAwait(false);
            return;
        }

        _unauthenticatedKey = preLoginKey;

        _services.Metrics.Sessions.Add(1);
        try
        {
            await WriteLineAsync($"* OK [CAPABILITY {Capabilities()}] {Options.Hostname} OrleansMail IMAP ready").ConfigureAwait(false);
            while (_state is not LogoutState)
            {
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
            ImapLog.ConnectionEnded(_log, e, _address);
        }
        finally
        {
            LeavePreLogin();
            _loginDeadline.Dispose();
            await LeaveUserAsync().ConfigureAwait(false);
            _services.Limits.Leave(addressKey);
            _services.Metrics.Sessions.Add(-1);
        }
    }

    /// <summary>The next complete command; null when the client went away or timed out.</summary>
    private async Task<ImapCommand?> ReadCommandAsync()
    {
        while (true)
        {
            ReadResult read;
            // Before login the deadline is absolute (a client trickling a byte at a time gains nothing); after it,
            // RFC 3501 §5.4's autologout timer restarts with each read.
            using (var timeout = _state is NotAuthenticatedState ? null : new CancellationTokenSource(Options.IdleTimeout, _services.Time))
            {
                try
                {
                    read = await _input.ReadAsync(timeout?.Token ?? _loginDeadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await WriteLineAsync(_state is NotAuthenticatedState ? "* BYE Autologout; no login in time" : "* BYE Autologout; idle for too long").ConfigureAwait(false);
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
                        _input.AdvanceTo(buffer.Start);
                        return result.Command;

                    case ImapParseStatus.NeedContinuation:
                        await WriteLineAsync("+ Ready for literal data").ConfigureAwait(false);
                        continue;

                    case ImapParseStatus.Error:
                        // A malformed APPEND may already have spooled messages: they belong to no command now.
                        DiscardAppend();
                        var code = result.ErrorCode is null ? "" : $"[{result.ErrorCode}] ";
                        _out.Raw($"{result.Tag ?? "*"} BAD {code}{result.Error}\r\n");
                        if (result.Fatal || ++_badCommands >= Options.MaxBadCommands)
                        {
                            _out.Raw(result.Fatal ? "* BYE Too much to skip\r\n" : "* BYE Too many invalid commands\r\n");
                            await FlushAsync().ConfigureAwait(false);
                            _input.AdvanceTo(buffer.Start);
                            return null;
                        }

                        await FlushAsync().ConfigureAwait(false);
                        continue;

                    case ImapParseStatus.StreamLiteral:
                        _input.AdvanceTo(buffer.Start);
                        if (!await StreamAppendLiteralAsync(result).ConfigureAwait(false))
                        {
                            return null;
                        }

                        goto nextRead;

                    default:
                        _input.AdvanceTo(buffer.Start, buffer.End);
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

    private async Task ExecuteAsync(ImapCommand command)
    {
        _services.Metrics.Commands.Add(1);
        await GuardRateAsync().ConfigureAwait(false);
        if (!ImapCommandTable.TryGet(command.Name, out var spec) || (command.Uid && !spec.HasUidForm))
        {
            DiscardAppend();
            await AnswerBadAsync(command.Tag, $"Unknown command {(command.Uid ? "UID " : "")}{command.Name}").ConfigureAwait(false);
            return;
        }

        if (!spec.States.HasFlag(CurrentStates()))
        {
            DiscardAppend();
            await AnswerBadAsync(command.Tag, $"{command.Name} is not valid in this state").ConfigureAwait(false);
            return;
        }

        string status;
        try
        {
            var text = await spec.Run(this, ImapRequestParser.Parse(command)).ConfigureAwait(false);
            if (_state is SelectedState && spec.Name is not ("SELECT" or "EXAMINE"))
            {
                await SyncAsync(allowExpunge: !spec.DefersExpunge || command.Uid).ConfigureAwait(false);
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
            ImapLog.CommandFailed(_log, command.Name, (_state as AuthenticatedState)?.User.UserId ?? View?.Name, e.Message);
            status = described;
        }
        catch (Exception e) when (e is not (IOException or ConnectionResetException or ConnectionAbortedException))
        {
            ImapLog.CommandFailedUnexpectedly(_log, e, command.Name);
            status = "NO [SERVERBUG] Internal error; the event was logged";
        }
        finally
        {
            DiscardAppend();
        }

        await WriteLineAsync($"{command.Tag} {status}").ConfigureAwait(false);
    }

    /// <summary>A tagged BAD; past <see cref="ImapOptions.MaxBadCommands"/> of them in a row the session is closed.</summary>
    private async Task AnswerBadAsync(string tag, string text)
    {
        _out.Raw($"{tag} BAD {text}\r\n");
        if (++_badCommands >= Options.MaxBadCommands)
        {
            _out.Raw("* BYE Too many invalid commands\r\n");
            _state = new LogoutState();
        }

        await FlushAsync().ConfigureAwait(false);
    }

    private ImapStates CurrentStates() => _state switch
    {
        NotAuthenticatedState => ImapStates.NotAuthenticated,
        AuthenticatedState => ImapStates.Authenticated,
        SelectedState => ImapStates.Selected,
        _ => 0,
    };

    /// <summary>A command-rate guard: past the configured rate a session is slowed, not cut off.</summary>
    private async Task GuardRateAsync()
    {
        var now = Environment.TickCount64;
        if (now - _rateWindowStart >= 1000)
        {
            _rateWindowStart = now;
            _rateCount = 0;
        }

        if (++_rateCount > Options.MaxCommandsPerSecond)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, 1000 - (now - _rateWindowStart)))).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Brings the selected view up to date and tells the client: new messages as EXISTS, other sessions' flag
    /// changes as FETCH, expunges as EXPUNGE when <paramref name="allowExpunge"/> (else they wait as pending).
    /// </summary>
    private async Task SyncAsync(bool allowExpunge, bool force = false)
    {
        if (View is not { } view)
        {
            return;
        }

        await ResubscribeIfDueAsync().ConfigureAwait(false);
        if (force || view.Dirty)
        {
            view.Dirty = false;
            ChangeSet changes;
            try
            {
                changes = await Grain.GetChangesAsync(view.Id, view.SyncedModSeq).ConfigureAwait(false);
            }
            catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
            {
                // The mailbox was deleted (or renamed away) by another session.
                _out.Raw("* BYE The selected mailbox no longer exists\r\n");
                _state = new LogoutState();
                return;
            }

            var full = !changes.VanishedComplete || changes.UidValidity != view.UidValidity;
            if (full)
            {
                changes = await Grain.GetChangesAsync(view.Id, 0).ConfigureAwait(false);
                var present = changes.Changed.Select(m => m.Uid).ToHashSet();
                foreach (var uid in view.Uids.Where(u => !present.Contains(u)).ToList())
                {
                    view.MarkExpunged(uid);
                }
            }
            else
            {
                foreach (var uid in changes.Vanished)
                {
                    view.MarkExpunged(uid);
                }
            }

            var added = false;
            foreach (var message in changes.Changed)
            {
                if (view.Add(message))
                {
                    added = true;
                }
                else if (view.Update(message) && !view.IsPendingExpunge(message.Uid))
                {
                    WriteFlagsFetch(view, message);
                }
            }

            view.SyncedModSeq = Math.Max(view.SyncedModSeq, changes.HighestModSeq);
            view.UidNext = Math.Max(view.UidNext, changes.UidNext);
            if (allowExpunge)
            {
                WriteExpunges(view.ApplyExpunges());
            }

            if (added)
            {
                _out.Raw($"* {view.Count} EXISTS\r\n");
                var firstRecent = await Grain.ClaimRecentAsync(view.Id, view.ReadOnly ? 0 : view.LargestUid).ConfigureAwait(false);
                if (view.MarkRecentFrom(firstRecent) > 0)
                {
                    _out.Raw($"* {view.RecentCount} RECENT\r\n");
                }
            }
        }
        else if (allowExpunge)
        {
            WriteExpunges(view.ApplyExpunges());
        }
    }

    private void OnChange(MailboxChange change)
    {
        if (View is { } view && view.Id == change.MailboxId)
        {
            if (view.Epoch != change.Epoch)
            {
                view.Epoch = change.Epoch;
                view.Dirty = true;
            }

            if (change.HighestModSeq > view.SyncedModSeq || change.UidNext > view.UidNext)
            {
                view.Dirty = true;
            }
        }

        _changed.TrySetResult();
    }

    /// <summary>The session no longer counts against its address's not-logged-in connections.</summary>
    private void LeavePreLogin()
    {
        if (_unauthenticatedKey is not null)
        {
            _services.Limits.Leave(_unauthenticatedKey);
            _unauthenticatedKey = null;
        }
    }

    private async Task EnterUserAsync(UserEntry user)
    {
        LeavePreLogin();
        _parser.Limits = LoggedInLimits();
        _observer = new MailboxChangeObserver(OnChange);
        _observerReference = _services.Grains.CreateObjectReference<IMailboxObserver>(_observer);
        _observedUser = _services.Grains.GetGrain<IUserGrain>(user.UserId);
        _state = new AuthenticatedState(user);
        await ResubscribeIfDueAsync(force: true).ConfigureAwait(false);
    }

    private async Task ResubscribeIfDueAsync(bool force = false)
    {
        if (_observerReference is null || (!force && _services.Time.GetUtcNow() - _subscribedAt < Options.IdlePollInterval))
        {
            return;
        }

        _subscribedAt = _services.Time.GetUtcNow();
        try
        {
            await Grain.SubscribeAsync(_observerReference).ConfigureAwait(false);
        }
        catch (Exception e) when (ImapErrors.TryDescribe(e, out _))
        {
            // Notifications are a shortcut, not the truth: without them the session still sees changes at its next look.
            ImapLog.SubscribeFailed(_log, e);
            _subscribedAt = DateTimeOffset.MinValue;
        }

        if (View is { } view)
        {
            // Observers are not durable (docs/architecture.md): a re-subscription is also when we look for changes we may have missed.
            view.Dirty = true;
        }
    }

    private async Task LeaveUserAsync()
    {
        if (_userLimitKey is not null)
        {
            _services.Limits.Leave(_userLimitKey);
            _userLimitKey = null;
        }

        // Whatever state the session ended in (a BYE sets LogoutState first), its subscription goes with it.
        if (_observerReference is not null && _observedUser is { } observed)
        {
            try
            {
                await observed.UnsubscribeAsync(_observerReference).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ImapLog.UnsubscribeFailed(_log, e);
            }

            _services.Grains.DeleteObjectReference<IMailboxObserver>(_observerReference);
        }

        _observerReference = null;
        _observedUser = null;
    }

    private async Task WriteLineAsync(string line)
    {
        _out.Raw(line).CrLf();
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Hands what is buffered to the socket and waits while the client is not reading (Kestrel pauses the writer
    /// past its buffer limit): a client that does not read stalls only itself, and memory stays bounded per
    /// session. One that stops reading for good is cut off after the write timeout.
    /// </summary>
    private async Task FlushAsync()
    {
        var flush = _out.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            // The usual case: the client reads, nothing waits, and no timer is needed.
            return;
        }

        try
        {
            await flush.AsTask().WaitAsync(Options.WriteTimeout, _services.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _connection.Abort(new ConnectionAbortedException("the client stopped reading"));
            throw new IOException("the client stopped reading responses");
        }
    }

    /// <summary>Reads one line the client sends outside a command (AUTHENTICATE responses, IDLE's DONE).</summary>
    private async Task<string?> ReadLineAsync(int maxLength, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var read = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var end = buffer.PositionOf((byte)'\n');
            if (end is { } position)
            {
                var line = System.Text.Encoding.UTF8.GetString(buffer.Slice(0, position).ToArray()).TrimEnd('\r');
                _input.AdvanceTo(buffer.GetPosition(1, position));
                return line;
            }

            if (buffer.Length > maxLength)
            {
                _input.AdvanceTo(buffer.End);
                throw new ImapSyntaxException("Line too long");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return null;
            }
        }
    }

    private string Capabilities()
    {
        var caps = new List<string> { "IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "CHILDREN", "SPECIAL-USE", "LIST-EXTENDED", "UIDPLUS", "MOVE", "MULTIAPPEND", $"APPENDLIMIT={_services.Ingest.MaxMessageSize}", "CONDSTORE", "QRESYNC", "ESEARCH", "SEARCHRES", "WITHIN", "LIST-STATUS", "STATUS=SIZE", "OBJECTID", "SAVEDATE" };
        if (_state is NotAuthenticatedState)
        {
            if (!_tls && _services.Certificate is not null)
            {
                caps.Add("STARTTLS");
            }

            if (LoginDisabled)
            {
                caps.Add("LOGINDISABLED");
            }
            else
            {
                caps.Add("AUTH=PLAIN");
                caps.Add("AUTH=LOGIN");
            }
        }

        return string.Join(' ', caps);
    }

    private bool LoginDisabled => !_tls && Options.RequireTlsForLogin && _services.Certificate is not null;
}

/// <summary>What every IMAP session of the silo shares.</summary>
internal sealed record ImapServices(
    IGrainFactory Grains,
    IUserDirectory Users,
    PasswordCheckQueue Passwords,
    AuthPenalty Penalty,
    MessageIngest IngestPath,
    IngestOptions Ingest,
    MessageBodies Bodies,
    MessageSummaries Summaries,
    ImapOptions Options,
    ImapConnectionLimits Limits,
    ImapMetrics Metrics,
    X509Certificate2? Certificate,
    ILogger Log,
    TimeProvider Time);
