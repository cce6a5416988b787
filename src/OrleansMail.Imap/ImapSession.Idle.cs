using Microsoft.Extensions.Logging;
using OrleansMail.Imap.Protocol;

namespace OrleansMail.Imap;

/// <summary>IDLE (RFC 2177): changes reach the client as they happen, woken by the grain's notifications and, because observers are not durable, by a periodic look of our own.</summary>
internal sealed partial class ImapSession
{
    internal async Task<string?> IdleAsync(PlainRequest request)
    {
        await SyncAsync(allowExpunge: true).ConfigureAwait(false);
        await WriteLineAsync("+ idling").ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(Options.IdleTimeout);
        var done = ReadLineAsync(Options.MaxLineLength, timeout.Token);
        while (true)
        {
            var changed = _changed.Task;
            var poll = Task.Delay(Options.IdlePollInterval, _services.Time);
            var first = await Task.WhenAny(done, changed, poll).ConfigureAwait(false);
            if (first == done)
            {
                string? line;
                try
                {
                    line = await done.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _out.Raw("* BYE Autologout; idle for too long\r\n");
                    _state = new LogoutState();
                    return null;
                }

                if (line is null)
                {
                    _state = new LogoutState();
                    return null;
                }

                if (!line.Trim().Equals("DONE", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ImapSyntaxException("Expected DONE");
                }

                return "IDLE terminated";
            }

            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (first == poll && View is { } view)
            {
                view.Dirty = true;
                _subscribedAt = DateTimeOffset.MinValue;
            }

            try
            {
                await SyncAsync(allowExpunge: true).ConfigureAwait(false);
            }
            catch (Exception e) when (ImapErrors.TryDescribe(e, out _))
            {
                // The store is away for now; the client stays idle and we look again at the next poll.
                ImapLog.IdlePollFailed(_log, e);
            }

            await FlushAsync().ConfigureAwait(false);
            if (_state is LogoutState)
            {
                return null;
            }
        }
    }
}
