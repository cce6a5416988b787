using System.Net;
using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Directory;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;

namespace OrleansMail.Imap;

/// <summary>
/// What the command handlers of one session share: the connection, the RFC 3501 state (with the user and the
/// selected view that belong to it) and the extensions the client enabled. Each handler keeps its own state itself.
/// </summary>
internal sealed class ImapSessionContext(ImapServices services, ImapChannel channel, IPAddress? remote)
{
    public ImapServices Services { get; } = services;

    public ImapChannel Channel { get; } = channel;

    public ImapResponseWriter Out => Channel.Out;

    public ImapOptions Options => Services.Options;

    public ILogger Log => Services.Log;

    public IPAddress? Remote { get; } = remote;

    /// <summary>The client's address as logs and per-address limits name it.</summary>
    public string Address { get; } = remote?.ToString() ?? "local";

    public ImapState State { get; set; } = new NotAuthenticatedState(0);

    public ClientExtensions Extensions { get; } = new();

    /// <summary>This session among all: change notices name the session that made a change (RFC 5465 §5).</summary>
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>What the client asked to hear with NOTIFY (RFC 5465); null until its first NOTIFY, when RFC 3501's rules hold.</summary>
    public NotifyState? Notify { get; set; }

    /// <summary>
    /// Messages this session saved into its selected mailbox itself: kept only while NOTIFY's MessageNew asks for
    /// FETCH items, which are not sent for them (RFC 5465 §5.2).
    /// </summary>
    public void NoteOwnNew(SelectedMailbox view, IEnumerable<uint> uids)
    {
        if (Notify?.Selected is { NewMessageItems.Count: > 0 })
        {
            view.OwnNew.UnionWith(uids);
        }
    }

    public UserEntry User => State switch
    {
        AuthenticatedState a => a.User,
        SelectedState s => s.User,
        _ => throw new InvalidOperationException("not logged in"),
    };

    public IUserGrain Grain => GrainOf(User.UserId);

    public SelectedMailbox? View => (State as SelectedState)?.View;

    /// <summary>The grain of the selected mailbox's owner: the user's own, or another user's for a shared mailbox.</summary>
    public IUserGrain MailboxGrain => View is { } view ? GrainOf(view.Owner) : Grain;

    // The last grain reference asked for, by user id: nearly every command asks for the same one, and making a
    // reference (a lookup of the grain type and a parse of its key) cost a few percent of the mixed profile's CPU.
    // One object holds the pair, so a notice handled beside a command never reads one user's id with another's grain.
    private LastGrain? _lastGrain;

    private IUserGrain GrainOf(string userId)
    {
        if (Volatile.Read(ref _lastGrain) is { } last && string.Equals(last.UserId, userId, StringComparison.Ordinal))
        {
            return last.Grain;
        }

        var grain = Services.Grains.GetGrain<IUserGrain>(userId);
        Volatile.Write(ref _lastGrain, new LastGrain(userId, grain));
        return grain;
    }

    private sealed record LastGrain(string UserId, IUserGrain Grain);

    /// <summary>
    /// The grain, owner and owner's name of a mailbox the client named: its own, or another user's through the shared
    /// namespace ("Shared/bob/Projects"). An owner the directory does not know is no mailbox (NO [NONEXISTENT]): a
    /// made-up name must not activate a grain, whose lease alone writes to the store.
    /// </summary>
    public MailboxTarget Resolve(string name)
    {
        if (!SharedNamespace.TryParse(name, out var named, out var local))
        {
            return new MailboxTarget(Grain, User.UserId, name);
        }

        var owner = OwnerId(named) ?? throw new ImapNoException("NONEXISTENT", "No such mailbox");
        return owner == User.UserId
            ? new MailboxTarget(Grain, owner, local)
            : new MailboxTarget(GrainOf(owner), owner, local);
    }

    /// <summary>
    /// The canonical id of the user a shared name's owner part names ("Shared/Bob/…" is bob's), or null when the
    /// directory has no such user.
    /// </summary>
    public string? OwnerId(string named) => Services.Users.FindLogin(named)?.UserId;

    /// <summary>Whose bodies the selected mailbox's messages are.</summary>
    public string MailboxOwner => View?.Owner ?? User.UserId;

    public ImapStates States => State switch
    {
        NotAuthenticatedState => ImapStates.NotAuthenticated,
        AuthenticatedState => ImapStates.Authenticated,
        SelectedState => ImapStates.Selected,
        _ => 0,
    };

    /// <summary>Plaintext login is refused while a certificate could protect it and the administrator asks for that.</summary>
    public bool LoginDisabled => !Channel.Tls && Options.RequireTlsForLogin && Services.Certificate is not null;

    public Task WriteLineAsync(string line) => Channel.WriteLineAsync(line);

    public Task FlushAsync() => Channel.FlushAsync();

    public string Capabilities()
    {
        var caps = new List<string> { "IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "CHILDREN", "SPECIAL-USE", "LIST-EXTENDED", "UIDPLUS", "MOVE", "MULTIAPPEND", "REPLACE", "CATENATE", $"APPENDLIMIT={Services.Ingest.MaxMessageSize}", "CONDSTORE", "QRESYNC", "ESEARCH", "SEARCHRES", "PARTIAL", "CONTEXT=SEARCH", "CONTEXT=SORT", "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "WITHIN", "LIST-STATUS", "STATUS=SIZE", "OBJECTID", "SAVEDATE", "PREVIEW", "BINARY", "UTF8=ACCEPT", "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "QUOTA=RES-MAILBOX", "METADATA", "ACL", "RIGHTS=texk", "LIST-MYRIGHTS", "NOTIFY" };
        if (Options.UseFullTextIndex)
        {
            caps.Add("SEARCH=FUZZY");
        }

        if (State is not NotAuthenticatedState)
        {
            // Not before login: inflating what an unauthenticated client sends is work for anyone (RFC 4978 §8).
            caps.Add("UNAUTHENTICATE");
            if (Options.QuotaAdmins.Contains(User.UserId, StringComparer.OrdinalIgnoreCase))
            {
                // RFC 9208 §3.1.2: SETQUOTA works, for this user.
                caps.Add("QUOTASET");
            }

            if (!Channel.Compressed)
            {
                caps.Add("COMPRESS=DEFLATE");
            }
        }
        else
        {
            if (!Channel.Tls && Services.Certificate is not null)
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

    /// <summary>A mailbox name as the client reads it: modified UTF-7, or UTF-8 once it enabled UTF8=ACCEPT (RFC 6855 §3).</summary>
    public string WireName(string name) => Extensions.Utf8Names ? name : ModifiedUtf7.Encode(name);

    /// <summary>A mailbox the client named: an empty name is refused as no mailbox at all (NO, not BAD).</summary>
    public static string RequireMailbox(string name) => name.Length > 0 ? name : throw new ImapNoException("CANNOT", "Empty mailbox name");
}
