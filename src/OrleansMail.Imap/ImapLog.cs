using Microsoft.Extensions.Logging;

namespace OrleansMail.Imap;

/// <summary>The IMAP server's log events (ids 3000–3999).</summary>
internal static partial class ImapLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "APPEND could not spool a message")]
    public static partial void AppendSpoolFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "A failed MULTIAPPEND left {Count} saved messages behind")]
    public static partial void MultiAppendLeftMessages(ILogger logger, Exception exception, long count);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "IMAP client {Address} identifies as {Id}")]
    public static partial void ClientIdentified(ILogger logger, string? address, string? id);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "IMAP login failed for {Login} from {Address} ({Failures} so far)")]
    public static partial void LoginFailed(ILogger logger, string? login, string? address, long failures);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "IMAP login {User} from {Address}")]
    public static partial void LoggedIn(ILogger logger, string? user, string? address);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "IDLE could not look for changes")]
    public static partial void IdlePollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "IMAP connection from {Address} ended")]
    public static partial void ConnectionEnded(ILogger logger, Exception exception, string? address);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "IMAP {Command} for {User} failed: {Error}")]
    public static partial void CommandFailed(ILogger logger, string? command, string? user, string? error);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "IMAP {Command} failed")]
    public static partial void CommandFailedUnexpectedly(ILogger logger, Exception exception, string? command);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Subscribing an IMAP session to its user failed; will retry")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "Unsubscribing an IMAP session failed; the grain drops it on its own")]
    public static partial void UnsubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Listing the mailboxes {Owner} shares failed; they are left out of this LIST")]
    public static partial void SharedListFailed(ILogger logger, Exception exception, string owner);
}
