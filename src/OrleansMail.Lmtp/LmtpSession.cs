using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using MimeKit;
using OrleansMail.Accounts.Directory;
using OrleansMail.Errors;
using OrleansMail.Lmtp.Protocol;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Ingest;
using OrleansMail.MailStorage.Memory;

namespace OrleansMail.Lmtp;

/// <summary>
/// One LMTP connection (RFC 2033): a transaction of MAIL, RCPTs and DATA or BDAT chunks, answered after the
/// message with one reply per accepted recipient, each from that recipient's real outcome. A 250 means the body
/// is durable and the user's grain indexed it; anything transient is 451 so the MTA retries.
/// </summary>
public sealed class LmtpSession(
    ConnectionContext connection,
    MessageIngest ingest,
    IUserDirectory users,
    IngestOptions ingestOptions,
    LmtpOptions options,
    LmtpMetrics metrics,
    MemoryPressure memory,
    SieveFilter sieve,
    ILogger<LmtpSession> log,
    TimeProvider time)
{
    private readonly PipeReader _input = connection.Transport.Input;
    private readonly PipeWriter _output = connection.Transport.Output;
    private readonly List<(string Address, ResolvedRecipient User)> _recipients = [];
    private string? _client;
    private string? _sender;
    private long _declaredSize;
    private Chunked? _chunks;

    public async Task RunAsync()
    {
        metrics.Sessions.Add(1);
        try
        {
            await ReplyAsync(new LmtpReply(220, null, $"{options.Hostname} OrleansMail LMTP ready")).ConfigureAwait(false);
            var skipping = false;
            while (true)
            {
                var result = await ReadAsync().ConfigureAwait(false);
                if (result is null)
                {
                    await ReplyAsync(new LmtpReply(421, "4.4.2", $"{options.Hostname} Timeout, closing connection")).ConfigureAwait(false);
                    return;
                }

                var buffer = result.Value.Buffer;
                while (true)
                {
                    var read = LmtpLineReader.TryRead(ref buffer, options.MaxLineLength, ref skipping, out var line);
                    if (read == LmtpLineReader.Result.NeedMore)
                    {
                        break;
                    }

                    if (read == LmtpLineReader.Result.TooLong)
                    {
                        await ReplyAsync(new LmtpReply(500, "5.5.2", "Line too long")).ConfigureAwait(false);
                        continue;
                    }

                    var next = await HandleAsync(line, buffer).ConfigureAwait(false);
                    if (next == Next.Quit)
                    {
                        return;
                    }

                    if (next == Next.ReadAgain)
                    {
                        // DATA or BDAT consumed input through the reader themselves.
                        goto nextRead;
                    }
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.Value.IsCompleted)
                {
                    return;
                }

            nextRead:;
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or OperationCanceledException or ConnectionAbortedException)
        {
            LmtpLog.ConnectionClosed(log, e, connection.ConnectionId);
        }
        finally
        {
            if (_chunks is not null)
            {
                await _chunks.AbandonAsync().ConfigureAwait(false);
            }

            metrics.Sessions.Add(-1);
        }
    }

    private enum Next
    {
        Continue,
        ReadAgain,
        Quit,
    }

    private async Task<ReadResult?> ReadAsync()
    {
        using var idle = new CancellationTokenSource(options.IdleTimeout);
        try
        {
            return await _input.ReadAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<Next> HandleAsync(string line, ReadOnlySequence<byte> rest)
    {
        if (!LmtpCommand.TryParse(line, out var command, out var error))
        {
            await ReplyAsync(error!).ConfigureAwait(false);
            return Next.Continue;
        }

        if (_chunks is not null && command.Verb is not (LmtpVerb.Bdat or LmtpVerb.Rset or LmtpVerb.Quit or LmtpVerb.Noop))
        {
            await ReplyAsync(LmtpReply.BadSequence("BDAT transfer in progress; send BDAT or RSET")).ConfigureAwait(false);
            return Next.Continue;
        }

        switch (command.Verb)
        {
            case LmtpVerb.Lhlo:
                _client = command.Argument;
                ResetTransaction();
                await ReplyAsync(new LmtpReply(250, null,
                    options.Hostname,
                    "PIPELINING",
                    "ENHANCEDSTATUSCODES",
                    "8BITMIME",
                    $"SIZE {ingestOptions.MaxMessageSize.ToString(CultureInfo.InvariantCulture)}",
                    "CHUNKING",
                    "SMTPUTF8")).ConfigureAwait(false);
                return Next.Continue;
            case LmtpVerb.Helo or LmtpVerb.Ehlo:
                // RFC 2033 §4.1: LMTP uses LHLO; HELO and EHLO must be refused.
                await ReplyAsync(new LmtpReply(500, "5.5.1", "This is LMTP: use LHLO")).ConfigureAwait(false);
                return Next.Continue;
            case LmtpVerb.Mail:
                return await MailAsync(command).ConfigureAwait(false);
            case LmtpVerb.Rcpt:
                return await RcptAsync(command).ConfigureAwait(false);
            case LmtpVerb.Data:
                return await DataAsync(rest).ConfigureAwait(false);
            case LmtpVerb.Bdat:
                return await BdatAsync(command, rest).ConfigureAwait(false);
            case LmtpVerb.Rset:
                ResetTransaction();
                await ReplyAsync(LmtpReply.Ok()).ConfigureAwait(false);
                return Next.Continue;
            case LmtpVerb.Noop:
                await ReplyAsync(LmtpReply.Ok()).ConfigureAwait(false);
                return Next.Continue;
            case LmtpVerb.Vrfy:
                await ReplyAsync(new LmtpReply(252, "2.3.3", "Try RCPT instead")).ConfigureAwait(false);
                return Next.Continue;
            case LmtpVerb.Quit:
                await ReplyAsync(new LmtpReply(221, "2.0.0", $"{options.Hostname} Bye")).ConfigureAwait(false);
                return Next.Quit;
            default:
                await ReplyAsync(new LmtpReply(500, "5.5.1", "Unknown command")).ConfigureAwait(false);
                return Next.Continue;
        }
    }

    private async Task<Next> MailAsync(LmtpCommand command)
    {
        if (_client is null)
        {
            await ReplyAsync(LmtpReply.BadSequence("Send LHLO first")).ConfigureAwait(false);
        }
        else if (_sender is not null)
        {
            await ReplyAsync(LmtpReply.BadSequence("MAIL already given")).ConfigureAwait(false);
        }
        else if (command.Parameters.TryGetValue("SIZE", out var size) && (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var declared) || declared > ingestOptions.MaxMessageSize))
        {
            await ReplyAsync(new LmtpReply(552, "5.3.4", "Message size exceeds fixed maximum message size")).ConfigureAwait(false);
        }
        else if (memory.IsShort)
        {
            // The MTA keeps the message queued and tries again; taking it now could cost the silo and every session on it.
            metrics.ShedTransactions.Add(1);
            await ReplyAsync(new LmtpReply(451, "4.3.2", "Server short of memory, try again later")).ConfigureAwait(false);
        }
        else
        {
            _sender = command.Path!;
            _declaredSize = long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var sizeGiven) ? sizeGiven : 0;
            await ReplyAsync(new LmtpReply(250, "2.1.0", "OK")).ConfigureAwait(false);
        }

        return Next.Continue;
    }

    private async Task<Next> RcptAsync(LmtpCommand command)
    {
        if (_sender is null)
        {
            await ReplyAsync(LmtpReply.BadSequence("MAIL needed first")).ConfigureAwait(false);
            return Next.Continue;
        }

        if (_recipients.Count >= options.MaxRecipients)
        {
            await ReplyAsync(new LmtpReply(452, "4.5.3", "Too many recipients")).ConfigureAwait(false);
            return Next.Continue;
        }

        var address = command.Path!;
        var user = users.ResolveRecipient(address);
        if (user is null)
        {
            await ReplyAsync(new LmtpReply(550, "5.1.1", $"<{address}> User doesn't exist")).ConfigureAwait(false);
            return Next.Continue;
        }

        if (await OverQuotaAsync(user).ConfigureAwait(false))
        {
            // Refused before the body is sent and stored (Dovecot's lmtp_rcpt_check_quota): an MTA retrying a full
            // mailbox costs a grain call, not an object-store write and delete each time.
            await ReplyAsync(QuotaFull(address, "Quota exceeded (mailbox full)")).ConfigureAwait(false);
            return Next.Continue;
        }

        _recipients.Add((address, user));
        await ReplyAsync(new LmtpReply(250, "2.1.5", "OK")).ConfigureAwait(false);
        return Next.Continue;
    }

    /// <summary>Whether the user is already past its quota, or would be with the SIZE the sender declared; a store that cannot answer now says no (the save checks again).</summary>
    private async Task<bool> OverQuotaAsync(ResolvedRecipient user)
    {
        if (user.Quota is not { IsLimited: true } quota)
        {
            return false;
        }

        try
        {
            // A user the directory leaves unlimited is not asked here (no grain call per RCPT); limits an administrator
            // set for it are still enforced by the save.
            var usage = await ingest.QuotaUsageAsync(user.UserId).ConfigureAwait(false);
            return usage.Limits(quota) is { } limits && !limits.Admits(usage.Messages, usage.StorageBytes, 1, _declaredSize);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LmtpLog.QuotaCheckDeferred(log, e, user.UserId);
            return false;
        }
    }

    /// <summary>RFC 3463 X.2.2, mailbox full: permanent by default (the sender learns now), temporary when the administrator would rather the MTA keep retrying while the user makes room (Dovecot's quota_full_tempfail).</summary>
    private LmtpReply QuotaFull(string address, string text) => options.QuotaFullTempfail
        ? new LmtpReply(452, "4.2.2", $"<{address}> {text}")
        : new LmtpReply(552, "5.2.2", $"<{address}> {text}");

    private async Task<Next> DataAsync(ReadOnlySequence<byte> rest)
    {
        if (_recipients.Count == 0)
        {
            await ReplyAsync(LmtpReply.BadSequence(_sender is null ? "MAIL needed first" : "No valid recipients")).ConfigureAwait(false);
            return Next.Continue;
        }

        _input.AdvanceTo(rest.Start);
        await ReplyAsync(new LmtpReply(354, null, "OK")).ConfigureAwait(false);
        var incoming = new Chunked(ingest);
        var decoder = new DataDecoder();
        while (!decoder.Done)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var before = buffer.Length;
            decoder.Decode(ref buffer, incoming.Writer);
            metrics.Bytes.Add(before - buffer.Length);

            // What follows the end of data is the next pipelined command (RFC 2920): not examined yet, so the
            // command loop's next read returns it at once instead of waiting for bytes the client will not send.
            if (decoder.Done)
            {
                _input.AdvanceTo(buffer.Start);
            }
            else
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            await incoming.FlushAsync().ConfigureAwait(false);
            if (result.IsCompleted && !decoder.Done)
            {
                await incoming.AbandonAsync().ConfigureAwait(false);
                throw new ConnectionAbortedException("connection closed during DATA");
            }
        }

        await DeliverAsync(incoming).ConfigureAwait(false);
        return Next.ReadAgain;
    }

    private async Task<Next> BdatAsync(LmtpCommand command, ReadOnlySequence<byte> rest)
    {
        _input.AdvanceTo(rest.Start);
        if (_recipients.Count == 0)
        {
            // RFC 3030: the chunk must still be read before the error reply.
            await SkipAsync(command.ChunkSize).ConfigureAwait(false);
            await ReplyAsync(LmtpReply.BadSequence(_sender is null ? "MAIL needed first" : "No valid recipients")).ConfigureAwait(false);
            return Next.ReadAgain;
        }

        _chunks ??= new Chunked(ingest);
        var remaining = command.ChunkSize;
        while (remaining > 0)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var take = buffer.Slice(0, Math.Min(remaining, buffer.Length));
            foreach (var segment in take)
            {
                incomingWrite(_chunks, segment.Span);
            }

            remaining -= take.Length;
            metrics.Bytes.Add(take.Length);
            _input.AdvanceTo(take.End);
            await _chunks.FlushAsync().ConfigureAwait(false);
            if (result.IsCompleted && remaining > 0)
            {
                throw new ConnectionAbortedException("connection closed during BDAT");
            }
        }

        if (!command.Last)
        {
            await ReplyAsync(new LmtpReply(250, "2.0.0", $"{command.ChunkSize.ToString(CultureInfo.InvariantCulture)} octets received")).ConfigureAwait(false);
            return Next.ReadAgain;
        }

        var chunks = _chunks;
        _chunks = null;
        await DeliverAsync(chunks).ConfigureAwait(false);
        return Next.ReadAgain;

        static void incomingWrite(Chunked target, ReadOnlySpan<byte> bytes) => target.Writer.Write(bytes);
    }

    private async Task SkipAsync(long count)
    {
        while (count > 0)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            var take = Math.Min(count, result.Buffer.Length);
            _input.AdvanceTo(result.Buffer.GetPosition(take));
            count -= take;
            if (result.IsCompleted && count > 0)
            {
                throw new ConnectionAbortedException("connection closed during BDAT");
            }
        }
    }

    /// <summary>Ends the message and answers once per recipient, in RCPT order (RFC 2033 §4.2).</summary>
    private async Task DeliverAsync(Chunked incoming)
    {
        var watch = Stopwatch.StartNew();
        IngestedMessage? message = null;
        LmtpReply? failure = null;
        try
        {
            message = await incoming.CompleteAsync().ConfigureAwait(false);
        }
        catch (MessageTooLargeException)
        {
            failure = new LmtpReply(552, "5.3.4", "Message size exceeds fixed maximum message size");
        }
        catch (Exception e)
        {
            LmtpLog.SpoolFailed(log, e, _client);
            failure = LmtpReply.Unavailable();
        }

        try
        {
            // Several local recipients: the content is stored once and each gets its trace headers and a reference.
            var shared = failure is null && _recipients.Count > 1 && options.SingleInstance
                ? await ingest.ShareAsync(message!, [.. _recipients.Select(r => r.User.UserId)]).ConfigureAwait(false)
                : null;
            var headers = new Lazy<HeaderList>(() => ReadHeaders(message!));
            var body = new Sieve.SieveBody(() => ReadContent(message!));
            for (var i = 0; i < _recipients.Count; i++)
            {
                var (address, user) = _recipients[i];
                var reply = failure ?? await DeliverOneAsync(message!, headers, body, address, user, shared?[i]).ConfigureAwait(false);
                metrics.Deliveries.Add(1, new KeyValuePair<string, object?>("result", reply.Code.ToString(CultureInfo.InvariantCulture)));
                await ReplyAsync(reply).ConfigureAwait(false);
            }
        }
        finally
        {
            if (message is not null)
            {
                await message.DisposeAsync().ConfigureAwait(false);
            }

            metrics.DeliveryDuration.Record(watch.Elapsed.TotalMilliseconds);
            ResetTransaction();
        }
    }

    private async Task<LmtpReply> DeliverOneAsync(IngestedMessage message, Lazy<HeaderList> headers, Sieve.SieveBody body, string address, ResolvedRecipient user, MailStorage.Ingest.SharedCopy? shared)
    {
        var prefix = TracePrefix(address);
        try
        {
            MailStorage.Ingest.DeliveryTarget target = new(user.UserId, MailboxName: MailboxName.Inbox, TracePrefix: prefix, Shared: shared, Quota: user.Quota);
            if (await sieve.PlanAsync(user.UserId, headers, prefix.Length + message.Spool.Length, _sender ?? "", address, body).ConfigureAwait(false) is { } plan)
            {
                return await DeliverPlannedAsync(message, address, user, target, plan).ConfigureAwait(false);
            }

            if (options.SaveToDetailMailbox && !string.IsNullOrEmpty(user.Detail) && await ingest.FindExistingMailboxAsync(user.UserId, user.Detail).ConfigureAwait(false) is { } folder)
            {
                // lmtp_save_to_detail_mailbox: only a folder of exactly that name, and only one that exists.
                target = target with { MailboxName = null, MailboxId = folder };
            }

            Grains.Contracts.SaveResult saved;
            try
            {
                saved = await ingest.DeliverAsync(message, target).ConfigureAwait(false);
            }
            catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound && target.MailboxId is not null)
            {
                // The folder was deleted since we looked: INBOX it is.
                saved = await ingest.DeliverAsync(message, target with { MailboxId = null, MailboxName = MailboxName.Inbox }).ConfigureAwait(false);
            }

            LmtpLog.Delivered(log, user.UserId, saved.Uid);
            return new LmtpReply(250, "2.0.0", $"<{address}> Saved as uid {saved.Uid.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.Limit)
        {
            return new LmtpReply(552, "5.2.2", $"<{address}> {e.Message}");
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.OverQuota)
        {
            return QuotaFull(address, e.Message);
        }
        catch (Exception e)
        {
            // Store or cluster unavailable, a silo that just died, anything unexpected: never 5xx for what may pass.
            LmtpLog.DeliveryFailed(log, e, user.UserId);
            return new LmtpReply(451, "4.3.0", $"<{address}> Temporary failure, please retry");
        }
    }

    /// <summary>
    /// What the recipient's Sieve script decided: a refusal (550 5.7.1 for this recipient, RFC 5429 §2.1), nothing
    /// (discard: accepted, not stored), or one or more deliveries. A mailbox that does not exist is made when the
    /// script said :create (RFC 5490) and otherwise the copy goes to INBOX, as Dovecot does.
    /// </summary>
    private async Task<LmtpReply> DeliverPlannedAsync(IngestedMessage message, string address, ResolvedRecipient user, MailStorage.Ingest.DeliveryTarget target, IReadOnlyList<Sieve.SieveAction> plan)
    {
        if (plan.OfType<Sieve.SieveReject>().FirstOrDefault() is { } reject)
        {
            // One line of printable ASCII: the reply goes to an MTA that may not take anything else (RFC 5321 §4.2).
            var reason = string.Join(' ', new string([.. reject.Reason.Select(c => c is >= ' ' and <= '~' ? c : c is '\r' or '\n' or '\t' ? ' ' : '?')])
                .Split(' ', StringSplitOptions.RemoveEmptyEntries));
            return new LmtpReply(550, "5.7.1", $"<{address}> {(reason.Length == 0 ? "Rejected by the recipient's filter" : reason[..Math.Min(reason.Length, 400)])}");
        }

        // A script that edited the header (RFC 5293) has every copy it stores or sends carry the edited header.
        IngestedMessage? edited = null;
        if (plan.OfType<Sieve.SieveHeaderEdited>().FirstOrDefault() is { } edit)
        {
            edited = await EditedAsync(message, edit.Headers).ConfigureAwait(false);
            if (edited is not null)
            {
                message = edited;
                target = target with { Shared = null };
            }
        }

        try
        {
            return await DeliverPlanAsync(message, address, user, target, plan).ConfigureAwait(false);
        }
        finally
        {
            if (edited is not null)
            {
                await edited.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The message with the header a script left (RFC 5293) in place of its own, spooled as a message of its own;
    /// null when the header was too large to have been read whole, since writing back a cut header would lose fields.
    /// </summary>
    private async Task<IngestedMessage?> EditedAsync(IngestedMessage message, HeaderList headers)
    {
        var head = new byte[(int)Math.Min(message.Spool.Length, SieveFilter.MaxHeaderBytes)];
        await using (var content = message.Spool.OpenRead())
        {
            await content.ReadExactlyAsync(head).ConfigureAwait(false);
        }

        var end = head.AsSpan().IndexOf("\r\n\r\n"u8) is var crlf and >= 0 ? crlf + 4 : head.AsSpan().IndexOf("\n\n"u8) is var lf and >= 0 ? lf + 2 : -1;
        if (end < 0)
        {
            LmtpLog.HeaderEditSkipped(log);
            return null;
        }

        var rewritten = new MemoryStream();
        await using (rewritten.ConfigureAwait(false))
        {
            headers.WriteTo(FormatOptions.Default, rewritten);
            rewritten.Write("\r\n"u8);
            await using (var content = message.Spool.OpenRead())
            {
                // Past the original header; a spool view need not seek.
                await content.ReadExactlyAsync(new byte[end]).ConfigureAwait(false);
                await content.CopyToAsync(rewritten).ConfigureAwait(false);
            }

            rewritten.Position = 0;
            return await ingest.ReceiveAsync(rewritten).ConfigureAwait(false);
        }
    }

    private async Task<LmtpReply> DeliverPlanAsync(IngestedMessage message, string address, ResolvedRecipient user, MailStorage.Ingest.DeliveryTarget target, IReadOnlyList<Sieve.SieveAction> plan)
    {
        // Forwards first and durable before anything is stored: a failure here is a 451 with nothing delivered yet.
        var redirects = plan.OfType<Sieve.SieveRedirect>().ToList();
        if (redirects.Count > 0)
        {
            if (!sieve.CanSendMail || !Submission.OutboundEnvelope.IsSafe(_sender ?? "") || SieveFilter.RedirectedBefore(ReadHeaders(message), address))
            {
                // No relay (the script was stored when there was one), a sender no envelope line can carry (a 451
                // would be retried for days), or a loop: keep rather than lose.
                LmtpLog.RedirectKept(log, user.UserId);
                plan = [.. plan.Where(a => a is not Sieve.SieveRedirect), .. plan.Any(a => a is Sieve.SieveKeep) ? Array.Empty<Sieve.SieveAction>() : [new Sieve.SieveKeep([])]];
            }
            else
            {
                foreach (var redirect in redirects)
                {
                    using var content = message.Spool.OpenRead();
                    await sieve.RedirectAsync(content, _sender ?? "", address, redirect.Address).ConfigureAwait(false);
                }
            }
        }

        var uids = new List<uint>();
        foreach (var action in plan)
        {
            var (mailbox, flagNames, create) = action switch
            {
                Sieve.SieveKeep k => (MailboxName.Inbox, k.Flags, false),
                Sieve.SieveFileInto f => (f.Mailbox, f.Flags, f.Create),
                _ => (null, [], false), // redirects are queued above; a vacation is answered below
            };
            if (mailbox is null)
            {
                continue;
            }

            var (flags, keywords) = SieveFilter.Flags(flagNames);
            var copy = target with { MailboxName = mailbox, Flags = flags, Keywords = keywords, Shared = uids.Count == 0 ? target.Shared : null };
            Grains.Contracts.SaveResult saved;
            try
            {
                saved = await ingest.DeliverAsync(message, copy).ConfigureAwait(false);
            }
            catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound && mailbox != MailboxName.Inbox)
            {
                if (create && await ingest.TryCreateMailboxAsync(user.UserId, mailbox).ConfigureAwait(false))
                {
                    saved = await ingest.DeliverAsync(message, copy).ConfigureAwait(false);
                }
                else
                {
                    saved = await ingest.DeliverAsync(message, copy with { MailboxName = MailboxName.Inbox }).ConfigureAwait(false);
                }
            }

            uids.Add(saved.Uid);
        }

        try
        {
            await sieve.RecordDuplicatesAsync(user.UserId, plan).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Stored already: a 451 would deliver it twice. The next copy may pass the duplicate test once more.
            LmtpLog.DuplicateNotRecorded(log, e, user.UserId);
        }

        if (plan.OfType<Sieve.SieveVacation>().FirstOrDefault() is { } vacation && sieve.CanSendMail)
        {
            try
            {
                var own = $"{user.UserId}@{address[(address.LastIndexOf('@') + 1)..]}";
                await sieve.VacationAsync(user.UserId, ReadHeaders(message), message.Spool.Length, _sender ?? "", address, user.UserId.Contains('@', StringComparison.Ordinal) ? user.UserId : own, vacation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The message is stored: a 451 now would deliver it twice. The reply is what is lost, and said.
                LmtpLog.VacationFailed(log, e, user.UserId);
            }
        }

        if (uids.Count == 0 && redirects.Count > 0 && plan.All(a => a is not (Sieve.SieveKeep or Sieve.SieveFileInto)))
        {
            LmtpLog.Redirected(log, user.UserId, redirects.Count);
            return new LmtpReply(250, "2.0.0", $"<{address}> Forwarded by the recipient's filter");
        }

        if (uids.Count == 0)
        {
            LmtpLog.Discarded(log, user.UserId);
            return new LmtpReply(250, "2.0.0", $"<{address}> Discarded by the recipient's filter");
        }

        LmtpLog.Delivered(log, user.UserId, uids[0]);
        return new LmtpReply(250, "2.0.0", $"<{address}> Saved as uid {string.Join(',', uids.Select(u => u.ToString(CultureInfo.InvariantCulture)))}");
    }

    /// <summary>
    /// The header a Sieve script sees: at most <see cref="SieveFilter.MaxHeaderBytes"/> of it, so a message that is
    /// nearly all header (the size limit allows tens of megabytes) costs a script no more than a large real one.
    /// </summary>
    private static HeaderList ReadHeaders(IngestedMessage message)
    {
        var head = new byte[(int)Math.Min(message.Spool.Length, SieveFilter.MaxHeaderBytes)];
        using (var content = message.Spool.OpenRead())
        {
            content.ReadExactly(head);
        }

        // Cut at a line's end, or MimeKit refuses a field cut in its name.
        var length = head.Length < message.Spool.Length ? Array.LastIndexOf(head, (byte)'\n') + 1 : head.Length;
        using var bounded = new MemoryStream(head, 0, length, writable: false);
        return HeaderList.Load(bounded);
    }

    /// <summary>What a body test reads (RFC 5173): the header a script may read and the first megabyte of the body after it.</summary>
    private static byte[] ReadContent(IngestedMessage message)
    {
        var bytes = new byte[(int)Math.Min(message.Spool.Length, SieveFilter.MaxHeaderBytes + Sieve.SieveMessage.MaxBodyBytes)];
        using var stream = message.Spool.OpenRead();
        stream.ReadExactly(bytes);
        return bytes;
    }

    private byte[] TracePrefix(string address)
    {
        var remote = connection.RemoteEndPoint?.ToString() ?? "local";
        var date = time.GetUtcNow().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
        var text =
            $"Return-Path: <{_sender}>\r\n" +
            $"Delivered-To: {address}\r\n" +
            $"Received: from {_client} ({remote})\r\n\tby {options.Hostname} with LMTP id {connection.ConnectionId}\r\n\tfor <{address}>; {date}\r\n";
        return Encoding.UTF8.GetBytes(text);
    }

    private void ResetTransaction()
    {
        _sender = null;
        _declaredSize = 0;
        _recipients.Clear();
        if (_chunks is not null)
        {
            _ = _chunks.AbandonAsync();
            _chunks = null;
        }
    }

    private async Task ReplyAsync(LmtpReply reply)
    {
        await _output.WriteAsync(reply.ToBytes()).ConfigureAwait(false);
    }

    /// <summary>
    /// The message as it arrives, streamed through a pipe into the ingest path (which spools it once); the pipe's
    /// back-pressure bounds memory whatever the message size. If ingest gives up (too large), the rest is discarded.
    /// </summary>
    private sealed class Chunked
    {
        private readonly Pipe _pipe = new();
        private readonly Task<IngestedMessage> _receive;

        public Chunked(MessageIngest ingest)
        {
            _receive = Task.Run(async () =>
            {
                try
                {
                    return await ingest.ReceiveAsync(_pipe.Reader.AsStream()).ConfigureAwait(false);
                }
                finally
                {
                    await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
                }
            });
        }

        public PipeWriter Writer => _pipe.Writer;

        public async Task FlushAsync() => await _pipe.Writer.FlushAsync().ConfigureAwait(false);

        public async Task<IngestedMessage> CompleteAsync()
        {
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
            return await _receive.ConfigureAwait(false);
        }

        public async Task AbandonAsync()
        {
            await _pipe.Writer.CompleteAsync(new OperationCanceledException("transaction abandoned")).ConfigureAwait(false);
            try
            {
                var message = await _receive.ConfigureAwait(false);
                await message.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or MailStoreException or FormatException)
            {
                // Nothing was acknowledged; nothing to keep.
            }
        }
    }
}
