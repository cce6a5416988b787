using OrleansMail.Imap.Protocol;

namespace OrleansMail.Imap;

/// <summary>
/// IDLE (RFC 2177): changes reach the client as they happen, woken by the grain's notices and, because observers
/// are not durable, by a periodic look of our own. Under NOTIFY, exactly the events it asked for (RFC 5465 §4).
/// </summary>
internal sealed class IdleHandler(ImapSessionContext session, NotifyDelivery delivery, MailboxNotifications notifications)
{
    public async Task<string?> IdleAsync(PlainRequest request)
    {
        var options = session.Options;
        await delivery.SyncSelectedAsync(expungeAllowed: true).ConfigureAwait(false);
        await session.WriteLineAsync("+ idling").ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(options.IdleTimeout, session.Services.Time);
        var done = session.Channel.ReadLineAsync(options.MaxLineLength, timeout.Token);
        while (true)
        {
            var changed = notifications.Changed;
            var poll = notifications.Poll;
            var first = await Task.WhenAny(done, changed, poll).ConfigureAwait(false);
            if (first == done)
            {
                return await EndAsync(done).ConfigureAwait(false);
            }

            notifications.Rearm();
            if (first == poll && session.View is { } view)
            {
                view.Dirty = true;
                notifications.RenewAtNextLook();
            }

            try
            {
                if (session.Notify is null)
                {
                    await delivery.SyncSelectedAsync(expungeAllowed: true).ConfigureAwait(false);
                }
                else
                {
                    await delivery.DeliverAsync(inIdle: true, poll: first == poll).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (ImapErrors.TryDescribe(e, out _))
            {
                // The store is away for now; the client stays idle and we look again at the next poll.
                ImapLog.IdlePollFailed(session.Log, e);
            }

            await session.FlushAsync().ConfigureAwait(false);
            if (session.State is LogoutState)
            {
                return null;
            }
        }
    }

    /// <summary>The client's line after IDLE: DONE ends it; silence past the idle timeout or a closed connection ends the session.</summary>
    private async Task<string?> EndAsync(Task<string?> done)
    {
        string? line;
        try
        {
            line = await done.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            session.Out.Raw("* BYE Autologout; idle for too long\r\n");
            session.State = new LogoutState();
            return null;
        }

        if (line is null)
        {
            session.State = new LogoutState();
            return null;
        }

        if (!line.Trim().Equals("DONE", StringComparison.OrdinalIgnoreCase))
        {
            throw new ImapSyntaxException("Expected DONE");
        }

        return "IDLE terminated";
    }
}
