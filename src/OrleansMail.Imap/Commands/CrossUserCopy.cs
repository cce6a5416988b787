using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Ingest;

namespace OrleansMail.Imap;

/// <summary>
/// COPY and MOVE between two users' mailboxes (one of them another user's, RFC 4314): each message is read from its
/// owner's area and saved into the other user's through the one ingest path, as an APPEND would, so the body is the
/// destination owner's and counts against that owner. All or nothing like any COPY (RFC 3501 §6.4.7): the copies
/// made before a failure are expunged again. A MOVE then expunges the originals, which needs "t" and "e" there.
/// </summary>
internal sealed class CrossUserCopy(ImapSessionContext session)
{
    public async Task<CopyResult> CopyAsync(SelectedMailbox view, List<uint> uids, MailboxTarget target, MailboxInfo destination, bool move)
    {
        // Each message is a body written again, not an index entry: as many as one MULTIAPPEND may bring.
        if (uids.Count > session.Options.MaxAppendMessages)
        {
            throw new ImapNoException("LIMIT", $"At most {session.Options.MaxAppendMessages} messages are copied to another user's mailbox at once");
        }

        // Rights first: a refusal halfway would leave copies made (and undone) or originals that cannot go.
        var me = session.User.UserId;
        if (target.IsShared(me) && !(await target.Grain.GetMyRightsAsync(target.Name).ConfigureAwait(false)).HasFlag(MailboxRights.Insert))
        {
            throw new ImapNoException("NOPERM", "Permission denied: needs the \"i\" right");
        }

        const MailboxRights removal = MailboxRights.DeleteMessages | MailboxRights.Expunge;
        if (move && view.Owner != me && ((await session.MailboxGrain.GetMyRightsAsync(view.Name).ConfigureAwait(false)) & removal) != removal)
        {
            throw new ImapNoException("NOPERM", "Permission denied: a move needs the \"t\" and \"e\" rights");
        }

        var quota = target.IsShared(me) ? null : session.User.Quota;
        var copied = new List<(uint Source, uint Destination)>(uids.Count);
        try
        {
            foreach (var uid in uids)
            {
                if (!view.TryGet(uid, out var message))
                {
                    continue;
                }

                await using var body = await session.Services.Bodies.OpenRangeAsync(view.Owner, message.BodyId, 0, message.Size).ConfigureAwait(false);
                await using var received = await session.Services.IngestPath.ReceiveAsync(body).ConfigureAwait(false);
                var saved = await session.Services.IngestPath.DeliverAsync(received, new DeliveryTarget(
                    target.Owner,
                    MailboxId: destination.Id,
                    Flags: message.Flags,
                    Keywords: message.Keywords,
                    InternalDate: DateTimeOffset.FromUnixTimeMilliseconds(message.InternalDate),
                    Quota: quota)).ConfigureAwait(false);
                copied.Add((uid, saved.Uid));
            }
        }
        catch (Exception e) when (copied.Count > 0 && e is not OutOfMemoryException)
        {
            await UndoAsync(target.Grain, destination.Id, copied.Select(c => c.Destination)).ConfigureAwait(false);
            throw;
        }

        var expunged = UidSet.Empty;
        if (move && copied.Count > 0)
        {
            var originals = UidSet.FromRanges(copied.Select(c => (c.Source, c.Source)));
            await session.MailboxGrain.StoreFlagsAsync(view.Id, originals, FlagOperation.Add, MessageFlags.Deleted, []).ConfigureAwait(false);
            expunged = (await session.MailboxGrain.ExpungeAsync(view.Id, originals).ConfigureAwait(false)).Expunged;
        }

        return new CopyResult(destination.UidValidity, [.. copied.Select(c => c.Source)], [.. copied.Select(c => c.Destination)], expunged);
    }

    private async Task UndoAsync(IUserGrain grain, Guid mailbox, IEnumerable<uint> uids)
    {
        try
        {
            var set = UidSet.FromRanges(uids.Select(u => (u, u)));
            await grain.StoreFlagsAsync(mailbox, set, FlagOperation.Add, MessageFlags.Deleted, []).ConfigureAwait(false);
            await grain.ExpungeAsync(mailbox, set).ConfigureAwait(false);
        }
        catch (Exception e) when (ImapErrors.TryDescribe(e, out _))
        {
            ImapLog.MultiAppendLeftMessages(session.Log, e, uids.Count());
        }
    }
}
