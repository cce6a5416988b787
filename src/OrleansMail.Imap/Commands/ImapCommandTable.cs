namespace OrleansMail.Imap;

/// <summary>Every command the server knows, where it is valid, which handler runs it, and how it treats sequence numbers (docs/architecture.md, house rules).</summary>
internal static class ImapCommandTable
{
    private static readonly Dictionary<string, ImapCommandSpec> Commands = new ImapCommandSpec[]
    {
        new("CAPABILITY", ImapStates.Any, (s, r) => s.General.CapabilityAsync((PlainRequest)r)),
        new("NOOP", ImapStates.Any, (s, r) => s.General.NoopAsync((PlainRequest)r)),
        new("LOGOUT", ImapStates.Any, (s, r) => s.General.LogoutAsync((PlainRequest)r)),
        new("ID", ImapStates.Any, (s, r) => s.General.IdAsync((IdRequest)r)),
        new("STARTTLS", ImapStates.NotAuthenticated, (s, r) => s.Login.StartTlsAsync((PlainRequest)r)),
        new("LOGIN", ImapStates.NotAuthenticated, (s, r) => s.Login.LoginAsync((LoginRequest)r)),
        new("AUTHENTICATE", ImapStates.NotAuthenticated, (s, r) => s.Login.AuthenticateAsync((AuthenticateRequest)r)),
        new("UNAUTHENTICATE", ImapStates.LoggedIn, (s, r) => s.Login.UnauthenticateAsync((PlainRequest)r)),
        new("COMPRESS", ImapStates.LoggedIn, (s, r) => s.General.CompressAsync((CompressRequest)r)),
        new("ENABLE", ImapStates.Authenticated, (s, r) => s.General.EnableAsync((EnableRequest)r)),
        new("NAMESPACE", ImapStates.LoggedIn, (s, r) => s.General.NamespaceAsync((PlainRequest)r)),
        new("SELECT", ImapStates.LoggedIn, (s, r) => s.Select.SelectAsync((SelectRequest)r)),
        new("EXAMINE", ImapStates.LoggedIn, (s, r) => s.Select.SelectAsync((SelectRequest)r)),
        new("CREATE", ImapStates.LoggedIn, (s, r) => s.Mailboxes.CreateAsync((CreateRequest)r)),
        new("DELETE", ImapStates.LoggedIn, (s, r) => s.Mailboxes.DeleteAsync((MailboxRequest)r)),
        new("RENAME", ImapStates.LoggedIn, (s, r) => s.Mailboxes.RenameAsync((RenameRequest)r)),
        new("SUBSCRIBE", ImapStates.LoggedIn, (s, r) => s.Mailboxes.SubscribeAsync((MailboxRequest)r)),
        new("UNSUBSCRIBE", ImapStates.LoggedIn, (s, r) => s.Mailboxes.SubscribeAsync((MailboxRequest)r)),
        new("LIST", ImapStates.LoggedIn, (s, r) => s.List.ListAsync((ListRequest)r)),
        new("LSUB", ImapStates.LoggedIn, (s, r) => s.List.ListAsync((ListRequest)r)),
        new("STATUS", ImapStates.LoggedIn, (s, r) => s.Mailboxes.StatusAsync((StatusRequest)r)),
        new("GETQUOTAROOT", ImapStates.LoggedIn, (s, r) => s.Quota.GetQuotaRootAsync((MailboxRequest)r)),
        new("GETQUOTA", ImapStates.LoggedIn, (s, r) => s.Quota.GetQuotaAsync((QuotaRequest)r)),
        new("SETQUOTA", ImapStates.LoggedIn, (s, r) => s.Quota.SetQuotaAsync((QuotaRequest)r)),
        new("GETMETADATA", ImapStates.LoggedIn, (s, r) => s.Metadata.GetAsync((GetMetadataRequest)r)),
        new("SETMETADATA", ImapStates.LoggedIn, (s, r) => s.Metadata.SetAsync((SetMetadataRequest)r)),
        new("SETACL", ImapStates.LoggedIn, (s, r) => s.Acl.RunAsync((AclRequest)r)),
        new("DELETEACL", ImapStates.LoggedIn, (s, r) => s.Acl.RunAsync((AclRequest)r)),
        new("GETACL", ImapStates.LoggedIn, (s, r) => s.Acl.RunAsync((AclRequest)r)),
        new("LISTRIGHTS", ImapStates.LoggedIn, (s, r) => s.Acl.RunAsync((AclRequest)r)),
        new("MYRIGHTS", ImapStates.LoggedIn, (s, r) => s.Acl.RunAsync((AclRequest)r)),
        new("APPEND", ImapStates.LoggedIn, (s, r) => s.Append.AppendAsync((AppendRequest)r)),
        new("REPLACE", ImapStates.Selected, (s, r) => s.Append.ReplaceAsync((ReplaceRequest)r), HasUidForm: true),
        new("NOTIFY", ImapStates.LoggedIn, (s, r) => s.Notify.NotifyAsync((NotifyRequest)r)),
        new("IDLE", ImapStates.LoggedIn, (s, r) => s.Idle.IdleAsync((PlainRequest)r)),
        new("CHECK", ImapStates.Selected, (s, r) => s.Select.CheckAsync((PlainRequest)r)),
        new("CLOSE", ImapStates.Selected, (s, r) => s.Select.CloseAsync((PlainRequest)r)),
        new("UNSELECT", ImapStates.Selected, (s, r) => s.Select.CloseAsync((PlainRequest)r)),
        new("EXPUNGE", ImapStates.Selected, (s, r) => s.Store.ExpungeAsync((ExpungeRequest)r), HasUidForm: true),
        new("SEARCH", ImapStates.Selected, (s, r) => s.Search.SearchAsync((SearchRequest)r), HasUidForm: true, DefersExpunge: true),
        new("SORT", ImapStates.Selected, (s, r) => s.Sort.SortAsync((SortRequest)r), HasUidForm: true, DefersExpunge: true),
        new("THREAD", ImapStates.Selected, (s, r) => s.Sort.ThreadAsync((ThreadRequest)r), HasUidForm: true, DefersExpunge: true),
        new("CANCELUPDATE", ImapStates.Selected, (s, r) => s.Search.CancelUpdateAsync((CancelUpdateRequest)r)),
        new("FETCH", ImapStates.Selected, (s, r) => s.Fetch.FetchAsync((FetchRequest)r), HasUidForm: true, DefersExpunge: true),
        new("STORE", ImapStates.Selected, (s, r) => s.Store.StoreAsync((StoreRequest)r), HasUidForm: true, DefersExpunge: true),
        new("COPY", ImapStates.Selected, (s, r) => s.Store.CopyAsync((CopyRequest)r), HasUidForm: true),
        new("MOVE", ImapStates.Selected, (s, r) => s.Store.CopyAsync((CopyRequest)r), HasUidForm: true),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out ImapCommandSpec spec) => Commands.TryGetValue(name, out spec!);
}
