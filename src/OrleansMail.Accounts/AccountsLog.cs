using Microsoft.Extensions.Logging;

namespace OrleansMail.Accounts;

/// <summary>The accounts' log events (ids 1000–1999): the passwd-file and the password-check budget.</summary>
internal static partial class AccountsLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Password checks are saturated ({Max} running, {Queued} waiting): a login was turned away")]
    public static partial void PasswordChecksSaturated(ILogger logger, long max, long queued);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Loaded {Count} users from {PasswdFile}")]
    public static partial void LoadedUsers(ILogger logger, long count, string? passwdFile);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Could not read {PasswdFile}; keeping the previous user list")]
    public static partial void PasswdFileUnreadable(ILogger logger, Exception exception, string? passwdFile);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "{PasswdFile} line {Line}: no user name; skipped")]
    public static partial void PasswdLineWithoutUser(ILogger logger, string? passwdFile, long line);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "{PasswdFile} line {Line}: the password hash of {User} is refused: {Reason}")]
    public static partial void PasswordHashRefused(ILogger logger, string? passwdFile, long line, string? user, string? reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "{PasswdFile} line {Line}: the quota rule of {User} is refused ({Reason}); the default quota applies")]
    public static partial void QuotaRuleRefused(ILogger logger, string? passwdFile, long line, string? user, string? reason);
}
