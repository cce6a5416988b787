namespace OrleansMail.Imap;

/// <summary>Every command the server knows, where it is valid, and how it treats sequence numbers (docs/architecture.md, house rules).</summary>
internal static class ImapCommandTable
{
    private static readonly Dictionary<string, ImapCommandSpec> Commands = new ImapCommandSpec[]
    {
        new("CAPABILITY", ImapStates.Any, (s, r) => s.CapabilityAsync((PlainRequest)r)),
        new("NOOP", ImapStates.Any, (s, r) => s.NoopAsync((PlainRequest)r)),
        new("LOGOUT", ImapStates.Any, (s, r) => s.LogoutAsync((PlainRequest)r)),
        new("ID", ImapStates.Any, (s, r) => s.IdAsync((IdRequest)r)),
        new("STARTTLS", ImapStates.NotAuthenticated, (s, r) => s.StartTlsAsync((PlainRequest)r)),
        new("LOGIN", ImapStates.NotAuthenticated, (s, r) => s.LoginAsync((LoginRequest)r)),
        new("AUTHENTICATE", ImapStates.NotAuthenticated, (s, r) => s.AuthenticateAsync((AuthenticateRequest)r)),
        new("ENABLE", ImapStates.Authenticated, (s, r) => s.EnableAsync((EnableRequest)r)),
        new("NAMESPACE", ImapStates.LoggedIn, (s, r) => s.NamespaceAsync((PlainRequest)r)),
        new("SELECT", ImapStates.LoggedIn, (s, r) => s.SelectAsync((SelectRequest)r)),
        new("EXAMINE", ImapStates.LoggedIn, (s, r) => s.SelectAsync((SelectRequest)r)),
        new("CREATE", ImapStates.LoggedIn, (s, r) => s.CreateAsync((CreateRequest)r)),
        new("DELETE", ImapStates.LoggedIn, (s, r) => s.DeleteAsync((MailboxRequest)r)),
        new("RENAME", ImapStates.LoggedIn, (s, r) => s.RenameAsync((RenameRequest)r)),
        new("SUBSCRIBE", ImapStates.LoggedIn, (s, r) => s.SubscribeAsync((MailboxRequest)r)),
        new("UNSUBSCRIBE", ImapStates.LoggedIn, (s, r) => s.SubscribeAsync((MailboxRequest)r)),
        new("LIST", ImapStates.LoggedIn, (s, r) => s.ListAsync((ListRequest)r)),
        new("LSUB", ImapStates.LoggedIn, (s, r) => s.ListAsync((ListRequest)r)),
        new("STATUS", ImapStates.LoggedIn, (s, r) => s.StatusAsync((StatusRequest)r)),
        new("APPEND", ImapStates.LoggedIn, (s, r) => s.AppendAsync((AppendRequest)r)),
        new("IDLE", ImapStates.LoggedIn, (s, r) => s.IdleAsync((PlainRequest)r)),
        new("CHECK", ImapStates.Selected, (s, r) => s.CheckAsync((PlainRequest)r)),
        new("CLOSE", ImapStates.Selected, (s, r) => s.CloseAsync((PlainRequest)r)),
        new("UNSELECT", ImapStates.Selected, (s, r) => s.CloseAsync((PlainRequest)r)),
        new("EXPUNGE", ImapStates.Selected, (s, r) => s.ExpungeAsync((ExpungeRequest)r), HasUidForm: true),
        new("SEARCH", ImapStates.Selected, (s, r) => s.SearchAsync((SearchRequest)r), HasUidForm: true, DefersExpunge: true),
        new("FETCH", ImapStates.Selected, (s, r) => s.FetchAsync((FetchRequest)r), HasUidForm: true, DefersExpunge: true),
        new("STORE", ImapStates.Selected, (s, r) => s.StoreAsync((StoreRequest)r), HasUidForm: true, DefersExpunge: true),
        new("COPY", ImapStates.Selected, (s, r) => s.CopyAsync((CopyRequest)r), HasUidForm: true),
        new("MOVE", ImapStates.Selected, (s, r) => s.CopyAsync((CopyRequest)r), HasUidForm: true),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out ImapCommandSpec spec) => Commands.TryGetValue(name, out spec!);
}
