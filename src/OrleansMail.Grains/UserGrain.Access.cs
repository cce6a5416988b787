using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Grains;

/// <summary>
/// Every call made for a user other than the owner (a shared mailbox, RFC 4314) passes here before it runs: the
/// methods a shared mailbox needs are checked against the mailbox's access control list as it is at that moment,
/// every other method is refused. One place, so a new method is closed to others until it is added here.
/// </summary>
public sealed partial class UserGrain : IIncomingGrainCallFilter
{
    private const MailboxRights Visible = MailboxRights.Lookup | MailboxRights.Read;

    /// <summary>Changes committed by this activation: what a cached answer about the index is checked against.</summary>
    private long _commits;

    /// <summary>
    /// The bodies one accessor may read, as of a commit count, index and message count: a FETCH of a large shared
    /// mailbox asks for summaries chunk by chunk, and each would otherwise walk every readable mailbox again.
    /// </summary>
    private (string Accessor, long Commits, UserIndex Index, int Messages, HashSet<Guid> Bodies)? _readable;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (MailAccessor.Current is not { } accessor || accessor == _names.User || context.InterfaceMethod?.DeclaringType != typeof(IUserGrain))
        {
            await context.Invoke().ConfigureAwait(true);
            return;
        }

        var request = context.Request;
        switch (context.InterfaceMethod.Name)
        {
            case nameof(IUserGrain.ListMailboxesAsync):
                await context.Invoke().ConfigureAwait(true);
                context.Result = ((MailboxInfo[])context.Result!).Where(m => Has(m.Id, accessor, MailboxRights.Lookup)).ToArray();
                return;
            case nameof(IUserGrain.GetMailboxAsync):
            case nameof(IUserGrain.GetMyRightsAsync):
                Require(Existing((string)request.GetArgument(0)!).Id, accessor, MailboxRights.None);
                break;
            case nameof(IUserGrain.GetAclAsync):
            case nameof(IUserGrain.SetAclAsync):
                Require(Existing((string)request.GetArgument(0)!).Id, accessor, MailboxRights.Administer);
                break;
            case nameof(IUserGrain.FetchAsync):
            case nameof(IUserGrain.ListMessagesAsync):
            case nameof(IUserGrain.CountUnseenAsync):
            case nameof(IUserGrain.GetChangesAsync):
            case nameof(IUserGrain.ClaimRecentAsync):
                Require((Guid)request.GetArgument(0)!, accessor, MailboxRights.Read);
                break;
            case nameof(IUserGrain.StoreFlagsAsync):
                Require((Guid)request.GetArgument(0)!, accessor, FlagRights((MessageFlags)request.GetArgument(3)!, (string[])request.GetArgument(4)!));
                break;
            case nameof(IUserGrain.ExpungeAsync):
                Require((Guid)request.GetArgument(0)!, accessor, MailboxRights.Expunge);
                break;
            case nameof(IUserGrain.CopyAsync):
                var move = (bool)request.GetArgument(3)!;
                Require((Guid)request.GetArgument(0)!, accessor, MailboxRights.Read | (move ? MailboxRights.DeleteMessages | MailboxRights.Expunge : MailboxRights.None));
                Require((Guid)request.GetArgument(2)!, accessor, MailboxRights.Insert);
                break;
            case nameof(IUserGrain.SaveAsync):
                var save = (SaveRequest)request.GetArgument(0)!;
                Require(save.MailboxId ?? throw MailStoreException.NoPermission("Permission denied"), accessor, MailboxRights.Insert);
                break;
            case nameof(IUserGrain.GetSummariesAsync):
                RequireReadable((Guid[])request.GetArgument(0)!, accessor);
                break;
            case nameof(IUserGrain.PutSummaryAsync):
                RequireReadable([(Guid)request.GetArgument(0)!], accessor);
                break;
            case nameof(IUserGrain.SubscribeAsync):
            case nameof(IUserGrain.UnsubscribeAsync):
            case nameof(IUserGrain.NoteSharedByAsync):
                break;
            default:
                throw MailStoreException.NoPermission("Permission denied");
        }

        await context.Invoke().ConfigureAwait(true);
    }

    /// <summary>RFC 4314 §4: \Seen needs "s", \Deleted "t", every other flag and keyword "w".</summary>
    private static MailboxRights FlagRights(MessageFlags flags, string[] keywords)
    {
        var needed = MailboxRights.None;
        needed |= flags.HasFlag(MessageFlags.Seen) ? MailboxRights.KeepSeen : MailboxRights.None;
        needed |= flags.HasFlag(MessageFlags.Deleted) ? MailboxRights.DeleteMessages : MailboxRights.None;
        needed |= (flags & ~(MessageFlags.Seen | MessageFlags.Deleted)) != 0 || keywords.Length > 0 ? MailboxRights.Write : MailboxRights.None;
        return needed;
    }

    private bool Has(Guid mailbox, string accessor, MailboxRights rights) =>
        _index.FindMailbox(mailbox) is not null && (MailboxAcl.RightsOf(_index, mailbox, _names.User, accessor) & rights) == rights;

    /// <summary>A mailbox the accessor may not see is one that does not exist (RFC 4314 §4); one it sees but may not do this in is NO [NOPERM].</summary>
    private void Require(Guid mailbox, string accessor, MailboxRights needed)
    {
        var rights = _index.FindMailbox(mailbox) is null ? MailboxRights.None : MailboxAcl.RightsOf(_index, mailbox, _names.User, accessor);
        if ((rights & Visible) == 0)
        {
            throw MailStoreException.NotFound("No such mailbox");
        }

        if ((rights & needed) != needed)
        {
            throw MailStoreException.NoPermission($"Permission denied: needs the \"{MailboxRightsText.Format(needed & ~rights, obsolete: false)}\" right");
        }
    }

    /// <summary>Summaries only of messages in mailboxes the accessor may read: a body id names a message of one of them.</summary>
    private void RequireReadable(Guid[] bodyIds, string accessor)
    {
        if (_readable is not { } cached || cached.Accessor != accessor || cached.Commits != _commits || cached.Index != _index || cached.Messages != _index.MessageCount)
        {
            var bodies = new HashSet<Guid>();
            foreach (var m in _index.Mailboxes.Values.Where(m => Has(m.Id, accessor, MailboxRights.Read)))
            {
                bodies.UnionWith(m.Messages.Select(r => r.BodyId));
            }

            cached = (accessor, _commits, _index, _index.MessageCount, bodies);
            _readable = cached;
        }

        if (!bodyIds.All(cached.Bodies.Contains))
        {
            throw MailStoreException.NoPermission("Permission denied");
        }
    }
}
