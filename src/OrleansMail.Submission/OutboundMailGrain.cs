using System.Globalization;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using OrleansMail.ObjectStore;

namespace OrleansMail.Submission;

/// <summary>
/// Sends the queue (<see cref="OutboundQueue"/>) through the relay: oldest first, each item deleted only once the
/// relay has taken it; an item the relay refuses for good (5xx) or that has waited past
/// <see cref="SubmissionOptions.MaxAge"/> is dropped with a log line; a relay that cannot be reached is tried again
/// after a delay that doubles up to <see cref="SubmissionOptions.RetryMax"/>. Kept alive while it has work by its
/// timer; after a restart, the first delivery or the silo's start wakes it.
/// </summary>
public sealed partial class OutboundMailGrain(IObjectStore store, IOptions<SubmissionOptions> options, SmtpRelay relay, TimeProvider time, ILogger<OutboundMailGrain> log)
    : Grain, IOutboundMailGrain
{
    /// <summary>Items one pass looks at: a backlog larger than this is worked through pass by pass.</summary>
    private const int MaxItemsPerPass = 1000;

    private readonly Dictionary<string, (int Attempts, DateTimeOffset Next)> _retries = new(StringComparer.Ordinal);
    private IGrainTimer? _timer;
    private int _pending;
    private int _failedPasses;
    private DateTimeOffset _relayDownUntil;

    private SubmissionOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _timer = this.RegisterGrainTimer(PassAsync, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Options.ScanInterval, KeepAlive = true });
        return base.OnActivateAsync(cancellationToken);
    }

    public Task NudgeAsync()
    {
        _timer?.Change(TimeSpan.Zero, Options.ScanInterval);
        return Task.CompletedTask;
    }

    public Task<int> GetPendingCountAsync() => Task.FromResult(_pending);

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        if (!Options.Enabled)
        {
            return;
        }

        var items = new List<string>();
        await foreach (var entry in store.ListAllAsync(OutboundQueue.Prefix, cancellationToken).ConfigureAwait(true))
        {
            items.Add(entry.Name);
            if (items.Count >= MaxItemsPerPass)
            {
                break;
            }
        }

        items.Sort(StringComparer.Ordinal);
        _pending = items.Count;
        foreach (var gone in _retries.Keys.Except(items).ToList())
        {
            _retries.Remove(gone);
        }

        var now = time.GetUtcNow();
        if (items.Count == 0 || now < _relayDownUntil)
        {
            return;
        }

        SmtpClient? client = null;
        try
        {
            foreach (var item in items)
            {
                if (_retries.TryGetValue(item, out var retry) && retry.Next > now)
                {
                    continue;
                }

                if (now - QueuedAt(item) > Options.MaxAge)
                {
                    GaveUp(log, item, Options.MaxAge);
                    await store.DeleteAsync(item, null, cancellationToken).ConfigureAwait(true);
                    _pending--;
                    continue;
                }

                if (await store.ReadBytesAsync(item, cancellationToken).ConfigureAwait(true) is not { } bytes)
                {
                    continue;
                }

                OutboundEnvelope envelope;
                MimeMessage message;
                try
                {
                    envelope = OutboundEnvelope.Parse(bytes, out var offset);
                    using var body = new MemoryStream(bytes, offset, bytes.Length - offset, writable: false);
                    message = await MimeMessage.LoadAsync(body, cancellationToken).ConfigureAwait(true);
                }
                catch (FormatException e)
                {
                    // Nothing will ever make it sendable: keeping it would retry it for days.
                    Unreadable(log, e, item);
                    await store.DeleteAsync(item, null, cancellationToken).ConfigureAwait(true);
                    _pending--;
                    continue;
                }

                try
                {
#pragma warning disable CA2000 // one session for the whole pass, disposed in the finally below
                    client ??= await relay.ConnectAsync(cancellationToken).ConfigureAwait(true);
#pragma warning restore CA2000
                    var sender = envelope.From.Length == 0 ? new MailboxAddress("", "") : new MailboxAddress("", envelope.From);
                    await client.SendAsync(message, sender, envelope.Recipients.Select(r => new MailboxAddress("", r)), cancellationToken).ConfigureAwait(true);
                    Sent(log, item, envelope.Recipients.Count);
                }
                catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
                {
                    // The relay refuses this message for good: a retry would be refused the same way.
                    Refused(log, item, (int)e.StatusCode, e.Message);
                }
                catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException or MailKit.Security.AuthenticationException or MailKit.ServiceNotConnectedException or TimeoutException or OperationCanceledException)
                {
                    var attempts = (_retries.TryGetValue(item, out var r) ? r.Attempts : 0) + 1;
                    var delay = Backoff(attempts);
                    _retries[item] = (attempts, now + delay);
                    RelayFailed(log, item, attempts, delay, e.Message);
                    if (client is null || !client.IsConnected)
                    {
                        // The relay is down: the rest of the queue waits too, instead of each item finding out.
                        _relayDownUntil = now + Backoff(++_failedPasses);
                        client?.Dispose();
                        client = null;
                        return;
                    }

                    continue;
                }

                _failedPasses = 0;
                await store.DeleteAsync(item, null, cancellationToken).ConfigureAwait(true);
                _retries.Remove(item);
                _pending--;
            }
        }
        finally
        {
            if (client is not null)
            {
                try
                {
                    await client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(true);
                }
                catch (Exception e) when (e is IOException or SmtpProtocolException or MailKit.ServiceNotConnectedException or System.Net.Sockets.SocketException)
                {
                    // Everything taken was taken; the relay may close as it likes.
                }

                client.Dispose();
            }
        }
    }

    private TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(Options.RetryInitial.Ticks * (1L << Math.Min(attempts - 1, 20)), Options.RetryMax.Ticks));

    /// <summary>The time the item was queued, from its name (see <see cref="OutboundQueue.EnqueueAsync"/>).</summary>
    private static DateTimeOffset QueuedAt(string item) =>
        long.TryParse(item.AsSpan(OutboundQueue.Prefix.Length, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks is > 0 and < 3155378975999999999
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : DateTimeOffset.MinValue;

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Sent {Item} to {Recipients} recipient(s) through the relay")]
    private static partial void Sent(ILogger logger, string item, int recipients);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "The relay refused {Item} for good ({Status}: {Reason}); dropped")]
    private static partial void Refused(ILogger logger, string item, int status, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Could not send {Item} (attempt {Attempts}); next try in {Delay}: {Reason}")]
    private static partial void RelayFailed(ILogger logger, string item, int attempts, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error, Message = "Gave up on {Item}: not sent within {MaxAge}")]
    private static partial void GaveUp(ILogger logger, string item, TimeSpan maxAge);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Error, Message = "Dropped {Item}: it cannot be read as a queued message")]
    private static partial void Unreadable(ILogger logger, Exception exception, string item);
}
