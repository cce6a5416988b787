using Microsoft.Extensions.Logging;

namespace OrleansMail.ManageSieve;

/// <summary>The ManageSieve server's log events (ids 3500–3599).</summary>
internal static partial class ManageSieveLog
{
    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "ManageSieve login failed for {Login} from {Address} ({Failures} so far)")]
    public static partial void LoginFailed(ILogger logger, string? login, string? address, int failures);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "ManageSieve login {User} from {Address}")]
    public static partial void LoggedIn(ILogger logger, string? user, string? address);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Debug, Message = "ManageSieve connection from {Address} ended")]
    public static partial void ConnectionEnded(ILogger logger, Exception exception, string? address);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Warning, Message = "ManageSieve {Command} for {User} failed")]
    public static partial void CommandFailed(ILogger logger, Exception exception, string? command, string? user);

    [LoggerMessage(EventId = 3505, Level = LogLevel.Information, Message = "ManageSieve {Command} for {User}: script {Script}")]
    public static partial void ScriptChanged(ILogger logger, string? command, string? user, string? script);
}
