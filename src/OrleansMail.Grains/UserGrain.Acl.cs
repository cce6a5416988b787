using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Grains;

/// <summary>Access control lists (RFC 4314), kept among the mailbox's attributes in the owner's index.</summary>
public sealed partial class UserGrain
{
    /// <summary>Entries one mailbox's list may hold: each is checked on every access by someone else.</summary>
    private const int MaxAclEntries = 64;

    /// <summary>The longest identifier kept: user names, "anyone", "authenticated", each perhaps with "-".</summary>
    private const int MaxIdentifierLength = 256;

    public Task<AclEntry[]> GetAclAsync(string mailbox)
    {
        var m = Existing(mailbox);
        return Task.FromResult<AclEntry[]>([.. MailboxAcl.Entries(_index, m.Id).Select(e => new AclEntry(e.Identifier, e.Rights))]);
    }

    public async Task SetAclAsync(string mailbox, string identifier, MailboxRights? rights)
    {
        if (identifier.Length is 0 or > MaxIdentifierLength || identifier.Any(char.IsControl))
        {
            throw MailStoreException.Invalid("Invalid identifier");
        }

        if (identifier == _names.User)
        {
            // The owner always has every right: an entry could only mislead (RFC 4314 §2 leaves this to the server).
            throw MailStoreException.Invalid("The owner of a mailbox always has every right");
        }

        var m = Existing(mailbox);
        var name = MailboxAcl.EntryName(identifier);
        var present = _index.Metadata.ContainsKey(new MetadataKey(m.Id, name));
        if (rights is null && !present)
        {
            return;
        }

        if (!present && MailboxAcl.Entries(_index, m.Id).Count() >= MaxAclEntries)
        {
            throw MailStoreException.LimitReached($"A mailbox's access control list holds at most {MaxAclEntries} identifiers");
        }

        var change = new MetadataChanged(_time.GetUtcNow().ToUnixTimeMilliseconds(), m.Id, name, rights is { } r ? MailboxAcl.Encode(r) : null);
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([change]).ConfigureAwait(true);

        // The grantee learns where to look.
        if (rights is { } granted && granted != MailboxRights.None && !identifier.StartsWith('-') && !MailboxAcl.Everyone.Contains(identifier))
        {
            await GrainFactory.GetGrain<IUserGrain>(identifier).NoteSharedByAsync(_names.User).ConfigureAwait(true);
        }
    }

    public Task<MailboxRights> GetMyRightsAsync(string mailbox) =>
        Task.FromResult(MailboxAcl.RightsOf(_index, Existing(mailbox).Id, _names.User, MailAccessor.Current ?? _names.User));

    public async Task NoteSharedByAsync(string owner)
    {
        var name = MailboxAcl.SharedByName(owner);
        if (owner == _names.User || _index.Metadata.ContainsKey(new MetadataKey(Guid.Empty, name)))
        {
            return;
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([new MetadataChanged(_time.GetUtcNow().ToUnixTimeMilliseconds(), Guid.Empty, name, [1])]).ConfigureAwait(true);
    }

    public Task<UidSet> GetPrivateSeenAsync(string owner, Guid mailboxId, uint uidValidity) =>
        Task.FromResult(PrivateSeen.Decode(_index.Metadata.GetValueOrDefault(new MetadataKey(Guid.Empty, PrivateSeen.EntryName(owner, mailboxId)))?.Value, uidValidity));

    public async Task<UidSet> SetPrivateSeenAsync(string owner, Guid mailboxId, uint uidValidity, UidSet uids, bool seen)
    {
        var before = await GetPrivateSeenAsync(owner, mailboxId, uidValidity).ConfigureAwait(true);
        var after = seen ? before.Union(uids) : before.Except(uids);
        if (after.Ranges.SequenceEqual(before.Ranges))
        {
            return after;
        }

        if (after.Ranges.Count > PrivateSeen.MaxRanges && after.Ranges.Count > before.Ranges.Count)
        {
            throw MailStoreException.LimitReached($"Your \\Seen in this shared mailbox is split into more than {PrivateSeen.MaxRanges} ranges; mark whole ranges");
        }

        var change = new MetadataChanged(_time.GetUtcNow().ToUnixTimeMilliseconds(), Guid.Empty, PrivateSeen.EntryName(owner, mailboxId), after.IsEmpty ? null : PrivateSeen.Encode(uidValidity, after));
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([change]).ConfigureAwait(true);
        return after;
    }

    public Task<string[]> ListSharedByAsync() => Task.FromResult(MailboxAcl.SharedBy(_index).ToArray());

    /// <summary>A mailbox that exists, found without creating one (INBOX and the special-use folders are created by their first use, but not by these).</summary>
    private MailboxState Existing(string name) => _commands.Find(_index, name, out _) ?? throw MailStoreException.NotFound("No such mailbox");

    public Task<int> CountUnseenAsync(Guid mailboxId, UidSet seen) => Task.FromResult(Mailbox(mailboxId).Messages.Count(r => !seen.Contains(r.Uid)));
}
