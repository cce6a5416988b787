namespace OrleansMail.ManageSieve;

/// <summary>
/// A command as read: its name (upper-cased; null when the line began with a string, as an AUTHENTICATE response
/// does), its arguments, and whether a literal was over its limit and dropped unread.
/// </summary>
internal sealed record ManageSieveCommand(string? Name, IReadOnlyList<ManageSieveArgument> Arguments, bool LiteralDropped);
