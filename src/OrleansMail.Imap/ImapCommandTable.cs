namespace OrleansMail.Imap;

/// <summary>Every command the server knows, where it is valid, and how it treats sequence numbers (docs/architecture.md, house rules).</summary>
internal static class ImapCommandTable
{
    private static readonly Dictionary<string, ImapCommandSpec> Commands = new ImapCommandSpec[]
    {
        new("CAPABILITY", ImapStates.Any, (s, c) => s.CapabilityAsync(c)),
        new("NOOP", ImapStates.Any, (s, c) => s.NoopAsync(c)),
        new("LOGOUT", ImapStates.Any, (s, c) => s.LogoutAsync(c)),
        new("ID", ImapStates.Any, (s, c) => s.IdAsync(c)),
        new("STARTTLS", ImapStates.NotAuthenticated, (s, c) => s.StartTlsAsync(c)),
        new("LOGIN", ImapStates.NotAuthenticated, (s, c) => s.LoginAsync(c)),
        new("AUTHENTICATE", ImapStates.NotAuthenticated, (s, c) => s.AuthenticateAsync(c)),
        new("ENABLE", ImapStates.Authenticated, (s, c) => s.EnableAsync(c)),
        new("NAMESPACE", ImapStates.LoggedIn, (s, c) => s.NamespaceAsync(c)),
        new("SELECT", ImapStates.LoggedIn, (s, c) => s.SelectAsync(c, readOnly: false)),
        new("EXAMINE", ImapStates.LoggedIn, (s, c) => s.SelectAsync(c, readOnly: true)),
        new("CREATE", ImapStates.LoggedIn, (s, c) => s.CreateAsync(c)),
        new("DELETE", ImapStates.LoggedIn, (s, c) => s.DeleteAsync(c)),
        new("RENAME", ImapStates.LoggedIn, (s, c) => s.RenameAsync(c)),
        new("SUBSCRIBE", ImapStates.LoggedIn, (s, c) => s.SubscribeAsync(c, true)),
        new("UNSUBSCRIBE", ImapStates.LoggedIn, (s, c) => s.SubscribeAsync(c, false)),
        new("LIST", ImapStates.LoggedIn, (s, c) => s.ListAsync(c, lsub: false)),
        new("LSUB", ImapStates.LoggedIn, (s, c) => s.ListAsync(c, lsub: true)),
        new("STATUS", ImapStates.LoggedIn, (s, c) => s.StatusAsync(c)),
        new("APPEND", ImapStates.LoggedIn, (s, c) => s.AppendAsync(c)),
        new("IDLE", ImapStates.LoggedIn, (s, c) => s.IdleAsync(c)),
        new("CHECK", ImapStates.Selected, (s, c) => s.CheckAsync(c)),
        new("CLOSE", ImapStates.Selected, (s, c) => s.CloseAsync(c, expunge: true)),
        new("UNSELECT", ImapStates.Selected, (s, c) => s.CloseAsync(c, expunge: false)),
        new("EXPUNGE", ImapStates.Selected, (s, c) => s.ExpungeAsync(c), HasUidForm: true),
        new("SEARCH", ImapStates.Selected, (s, c) => s.SearchAsync(c), HasUidForm: true, DefersExpunge: true),
        new("FETCH", ImapStates.Selected, (s, c) => s.FetchAsync(c), HasUidForm: true, DefersExpunge: true),
        new("STORE", ImapStates.Selected, (s, c) => s.StoreAsync(c), HasUidForm: true, DefersExpunge: true),
        new("COPY", ImapStates.Selected, (s, c) => s.CopyAsync(c, move: false), HasUidForm: true),
        new("MOVE", ImapStates.Selected, (s, c) => s.CopyAsync(c, move: true), HasUidForm: true),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out ImapCommandSpec spec) => Commands.TryGetValue(name, out spec!);
}
