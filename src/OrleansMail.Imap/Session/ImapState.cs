using OrleansMail.Accounts.Directory;

namespace OrleansMail.Imap;

/// <summary>A session's state with the data that belongs to it (RFC 3501 §3; docs/architecture.md, house rules).</summary>
internal abstract record ImapState;

/// <summary>Before login; counts failed attempts.</summary>
internal sealed record NotAuthenticatedState(int Failures) : ImapState;

internal sealed record AuthenticatedState(UserEntry User) : ImapState;

internal sealed record SelectedState(UserEntry User, SelectedMailbox View) : ImapState;

internal sealed record LogoutState : ImapState;
