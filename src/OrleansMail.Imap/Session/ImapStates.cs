namespace OrleansMail.Imap;

/// <summary>The states a command is valid in (RFC 3501 §6).</summary>
[Flags]
internal enum ImapStates
{
    NotAuthenticated = 1,
    Authenticated = 2,
    Selected = 4,
    LoggedIn = Authenticated | Selected,
    Any = NotAuthenticated | Authenticated | Selected,
}
