using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Ingest;

namespace OrleansMail.Imap;

/// <summary>
/// APPEND and MULTIAPPEND (RFC 3501 §6.3.11, RFC 3502): each message literal streams from the socket into the one
/// ingest path's spool as it arrives (never held whole in memory); when the command line ends, every message is
/// stored durably and indexed, and the answer carries APPENDUID (RFC 4315).
/// </summary>
internal sealed class AppendHandler(ImapSessionContext session, ImapCommandParser parser)
{
    private PendingAppend? _append;

    private sealed class PendingAppend((MailboxTarget Target, MailboxInfo Info) mailbox)
    {
        public MailboxInfo Mailbox { get; } = mailbox.Info;

        /// <summary>The user whose mailbox it is (another's, through the shared namespace), whose grain and store take the message.</summary>
        public MailboxTarget Target { get; } = mailbox.Target;

        public List<(IngestedMessage Message, MessageFlags Flags, string[] Keywords, DateTimeOffset? Date)> Messages { get; } = [];

        public long Bytes => Messages.Sum(m => m.Message.Spool.Length);
    }

    private ImapOptions Options => session.Options;

    private long MaxAppendBytes => Options.MaxAppendBytes > 0 ? Options.MaxAppendBytes : 4 * session.Services.Ingest.MaxMessageSize;

    /// <summary>Streams one message literal into the spool; false when the connection ended.</summary>
    public async Task<bool> StreamLiteralAsync(ImapParseResult literal)
    {
        var tag = literal.Tag ?? "*";
        var (refusal, metadata) = await AdmitAsync(literal).ConfigureAwait(false);
        if (refusal is not null)
        {
            parser.AbandonStreamedLiteral(literal.LiteralLength, literal.LiteralSynchronizing);
            Discard();
            await session.WriteLineAsync($"{tag} {refusal}").ConfigureAwait(false);
            return true;
        }

        if (literal.LiteralSynchronizing)
        {
            await session.WriteLineAsync("+ Ready for literal data").ConfigureAwait(false);
        }

        using var stream = new PipeLiteralStream(session.Channel.Input, literal.LiteralLength);
        try
        {
            var message = await session.Services.IngestPath.ReceiveAsync(stream).ConfigureAwait(false);
            _append!.Messages.Add((message, metadata.Flags, metadata.Keywords, metadata.Date));
        }
        catch (Exception e) when (e is not IOException)
        {
            // Keep the command stream in step, then refuse the whole command (MULTIAPPEND is all or nothing).
            await stream.DrainAsync().ConfigureAwait(false);
            ImapLog.AppendSpoolFailed(session.Log, e);
            parser.AbandonStreamedLiteral(0, synchronizing: true);
            Discard();
            await session.WriteLineAsync($"{tag} NO [SERVERBUG] The message could not be spooled").ConfigureAwait(false);
            return true;
        }

        if (stream.Remaining > 0)
        {
            await stream.DrainAsync().ConfigureAwait(false);
        }

        parser.ResumeAfterStreamedLiteral();
        return true;
    }

    /// <summary>Whether the literal may be spooled (state, size, MULTIAPPEND budget, the mailbox), with its flags and date; else the refusal to answer.</summary>
    private async Task<(string? Refusal, (MessageFlags Flags, string[] Keywords, DateTimeOffset? Date) Metadata)> AdmitAsync(ImapParseResult literal)
    {
        var prefix = parser.MessageCommandPrefix ?? 0;
        if (session.State is not (AuthenticatedState or SelectedState) || (prefix > 0 && session.State is not SelectedState))
        {
            return (prefix > 0 ? "BAD REPLACE is not valid in this state" : "BAD APPEND is not valid in this state", default);
        }

        if (prefix > 0 && _append is not null)
        {
            return ("BAD REPLACE takes one message", default);
        }

        if (literal.LiteralLength == 0)
        {
            return ("NO [CANNOT] An empty message cannot be saved", default);
        }

        if (_append is { } pending && (pending.Messages.Count >= Options.MaxAppendMessages || pending.Bytes + literal.LiteralLength > MaxAppendBytes))
        {
            // MULTIAPPEND is all or nothing, so everything it carries is spooled until the last message: bound it.
            return ($"NO [LIMIT] One APPEND may carry at most {Options.MaxAppendMessages} messages and {MaxAppendBytes} bytes", default);
        }

        var arguments = parser.CurrentArguments;
        try
        {
            if (_append is null)
            {
                _append = new PendingAppend(await TargetMailboxAsync(arguments.Skip(prefix)).ConfigureAwait(false));
            }

            return (null, MessageMetadata(arguments, prefix, session.Extensions.Utf8Accept));
        }
        catch (ImapSyntaxException e)
        {
            return ("BAD " + e.Message, default);
        }
        catch (ImapNoException e)
        {
            return ("NO " + (e.Code is null ? "" : $"[{e.Code}] ") + e.Message, default);
        }
        catch (Exception e) when (ImapErrors.TryDescribe(e, out var described))
        {
            return (described, default);
        }
    }

    /// <summary>
    /// The optional flag list and date-time before the literal being streamed (after the previous message, for
    /// MULTIAPPEND); a message sent as RFC 6855's "UTF8 (literal8)" is allowed once UTF8=ACCEPT is enabled.
    /// </summary>
    private static (MessageFlags Flags, string[] Keywords, DateTimeOffset? Date) MessageMetadata(IReadOnlyList<ImapToken> arguments, int prefix, bool utf8Accepted)
    {
        var last = -1;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i].IsMessage)
            {
                last = i;
            }
        }

        var segment = arguments.Skip(last < 0 ? prefix + 1 : last + 1).ToList();
        if (segment.Count >= 2 && segment[^2].Is("UTF8") && segment[^1] is { IsList: true, Items.Count: 0 })
        {
            // The list being read holds the literal8 now streaming.
            segment.RemoveRange(segment.Count - 2, 2);
            if (!utf8Accepted)
            {
                throw new ImapSyntaxException("UTF8 needs ENABLE UTF8=ACCEPT first");
            }
        }

        var flags = MessageFlags.None;
        string[] keywords = [];
        DateTimeOffset? date = null;
        var position = 0;
        if (position < segment.Count && segment[position].IsList)
        {
            (flags, keywords) = ImapValues.ParseFlags(segment[position].Items);
            position++;
        }

        if (position < segment.Count && segment[position].IsString)
        {
            date = ImapValues.ParseDateTime(segment[position].Text);
            position++;
        }

        if (position != segment.Count)
        {
            throw new ImapSyntaxException("Unexpected APPEND arguments");
        }

        return (flags, keywords, date);
    }

    public async Task<string?> AppendAsync(AppendRequest request)
    {
        var catenated = request.Arguments.Any(t => t.Is("CATENATE"));
        if (catenated)
        {
            await CatenateAsync(request).ConfigureAwait(false);
        }

        if (_append is not { Messages.Count: > 0 } append)
        {
            throw new ImapSyntaxException("APPEND needs a message literal");
        }

        if (!catenated && !request.Arguments[^1].IsMessage)
        {
            throw new ImapSyntaxException("Unexpected arguments after the message");
        }

        var uids = new List<uint>();
        uint validity = 0;
        try
        {
            foreach (var spooled in append.Messages)
            {
                var saved = await SaveAsync(append, spooled).ConfigureAwait(false);
                uids.Add(saved.Uid);
                validity = saved.UidValidity;
            }
        }
        catch (Exception) when (uids.Count > 0)
        {
            // RFC 3502: MULTIAPPEND is all or nothing; take back the messages already saved, then answer the failure.
            await UndoAsync(append.Target.Grain, append.Mailbox.Id, uids).ConfigureAwait(false);
            throw;
        }

        if (session.View is { } view && view.Id == append.Mailbox.Id)
        {
            view.Dirty = true;
            session.NoteOwnNew(view, uids);
        }

        return $"[APPENDUID {validity} {ImapFormat.UidList(uids)}] APPEND completed";
    }

    /// <summary>
    /// The mailbox an APPEND or REPLACE saves into, its name the first of <paramref name="arguments"/>: one that
    /// does not exist is TRYCREATE (RFC 3501 §6.3.11), one that cannot exist (not modified UTF-7) NONEXISTENT.
    /// </summary>
    private async Task<(MailboxTarget Target, MailboxInfo Info)> TargetMailboxAsync(IEnumerable<ImapToken> arguments)
    {
        var mailboxArgument = new ImapArguments([.. arguments]) { Utf8Names = session.Extensions.Utf8Names };
        var name = ImapSessionContext.RequireMailbox(ImapRequestParser.Mailbox(mailboxArgument));
        if (mailboxArgument.HasInvalidMailboxName)
        {
            throw new ImapNoException("NONEXISTENT", "Mailbox name is not valid modified UTF-7");
        }

        var target = session.Resolve(name);
        try
        {
            return (target, await target.Grain.GetMailboxAsync(target.Name).ConfigureAwait(false));
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            // Another user's mailbox that is not there (or not visible) is not one to create (RFC 4314 §4).
            throw target.IsShared(session.User.UserId) ? new ImapNoException("NONEXISTENT", "No such mailbox") : new ImapNoException("TRYCREATE", "No such mailbox");
        }
    }

    /// <summary>
    /// APPEND with CATENATE (RFC 4469): each message is composed from its parts and spooled through the ingest path
    /// as if its bytes had come as one literal; then the APPEND completes as any MULTIAPPEND does. (Mixing streamed
    /// literals and CATENATE in one command is refused: clients send one or the other.)
    /// </summary>
    private async Task CatenateAsync(AppendRequest request)
    {
        if (_append is not null)
        {
            throw new ImapNoException("CANNOT", "One APPEND may not mix message literals and CATENATE");
        }

        var arguments = request.Arguments;
        var pending = new PendingAppend(await TargetMailboxAsync(arguments).ConfigureAwait(false));
        _append = pending;
        var composer = new CatenateComposer(session);
        var start = 1;
        for (var i = 1; i < arguments.Count; i++)
        {
            if (!arguments[i].Is("CATENATE"))
            {
                continue;
            }

            if (i + 1 >= arguments.Count || !arguments[i + 1].IsList || pending.Messages.Count >= Options.MaxAppendMessages)
            {
                throw new ImapSyntaxException("CATENATE takes a list of parts");
            }

            var metadata = MessageMetadata([.. arguments.Take(i)], start - 1, utf8Accepted: false);
            var received = await composer.ComposeAsync(arguments[i + 1]).ConfigureAwait(false);
            if (pending.Bytes + received.Spool.Length > MaxAppendBytes)
            {
                await received.DisposeAsync().ConfigureAwait(false);
                throw new ImapNoException("LIMIT", $"One APPEND may carry at most {MaxAppendBytes} bytes");
            }

            pending.Messages.Add((received, metadata.Flags, metadata.Keywords, metadata.Date));
            i++;
            start = i + 1;
        }

        if (start != arguments.Count)
        {
            throw new ImapSyntaxException("Unexpected arguments after the last message");
        }
    }

    /// <summary>
    /// REPLACE (RFC 8508): the new message is saved first (APPENDUID tells where), then the old one is expunged; a
    /// failure before the save changes nothing, and the old message stays until the new one is durable.
    /// </summary>
    public async Task<string?> ReplaceAsync(ReplaceRequest request)
    {
        if (_append is not { Messages.Count: 1 } append || request.Arguments.Count == 0 || !request.Arguments[^1].IsMessage)
        {
            throw new ImapSyntaxException("REPLACE needs one message literal, last");
        }

        var view = session.View!;
        if (view.ReadOnly)
        {
            throw new ImapNoException("READ-ONLY", "The mailbox is read-only");
        }

        var old = request.Uid ? request.Number : request.Number <= view.Count ? view[(int)request.Number].Uid : throw new ImapSyntaxException("No such message");
        if (!view.TryGet(old, out _) || view.IsPendingExpunge(old))
        {
            throw new ImapNoException("NONEXISTENT", "No such message to replace");
        }

        var saved = await SaveAsync(append, append.Messages[0]).ConfigureAwait(false);
        if (append.Mailbox.Id == view.Id)
        {
            session.NoteOwnNew(view, [saved.Uid]);
        }

        session.Out.Raw($"* OK [APPENDUID {saved.UidValidity} {saved.Uid}] Replacement Message ready\r\n");
        var replaced = SelectedMailbox.ToUidSet([old]);
        await session.MailboxGrain.StoreFlagsAsync(view.Id, replaced, FlagOperation.Add, MessageFlags.Deleted, []).ConfigureAwait(false);
        foreach (var uid in (await session.MailboxGrain.ExpungeAsync(view.Id, replaced).ConfigureAwait(false)).Expunged)
        {
            view.MarkExpunged(uid);
        }

        view.Dirty = true;
        return request.Uid ? "UID REPLACE completed" : "REPLACE completed";
    }

    private async Task<SaveResult> SaveAsync(PendingAppend append, (IngestedMessage Message, MessageFlags Flags, string[] Keywords, DateTimeOffset? Date) spooled)
    {
        // In another user's mailbox the message is that user's, and so is the quota (not known here).
        var shared = append.Target.IsShared(session.User.UserId);
        var target = new DeliveryTarget(append.Target.Owner, MailboxId: append.Mailbox.Id, Flags: spooled.Flags, Keywords: spooled.Keywords, InternalDate: spooled.Date, Quota: shared ? null : session.User.Quota);
        var saved = await session.Services.IngestPath.DeliverAsync(spooled.Message, target).ConfigureAwait(false);
        session.Services.Metrics.Appended.Add(1);
        return saved;
    }

    /// <summary>Drops whatever an APPEND that will not complete has spooled.</summary>
    public void Discard()
    {
        if (_append is null)
        {
            return;
        }

        foreach (var (message, _, _, _) in _append.Messages)
        {
            _ = message.DisposeAsync().AsTask();
        }

        _append = null;
    }

    private async Task UndoAsync(IUserGrain grain, Guid mailboxId, List<uint> uids)
    {
        try
        {
            var saved = SelectedMailbox.ToUidSet(uids);
            await grain.StoreFlagsAsync(mailboxId, saved, FlagOperation.Add, MessageFlags.Deleted, []).ConfigureAwait(false);
            await grain.ExpungeAsync(mailboxId, saved).ConfigureAwait(false);
        }
        catch (Exception e) when (ImapErrors.TryDescribe(e, out _))
        {
            ImapLog.MultiAppendLeftMessages(session.Log, e, uids.Count);
        }
    }
}
