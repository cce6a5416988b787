using Microsoft.Extensions.Logging;

namespace OrleansMail.Lmtp;

/// <summary>The LMTP server's log events (ids 4000–4999).</summary>
internal static partial class LmtpLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "LMTP connection {Connection} closed")]
    public static partial void ConnectionClosed(ILogger logger, Exception exception, string? connection);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "LMTP message from {Client} could not be spooled")]
    public static partial void SpoolFailed(ILogger logger, Exception exception, string? client);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Discarded for {User} by the user's Sieve script")]
    public static partial void Discarded(ILogger logger, string? user);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Delivered to {User} uid {Uid}")]
    public static partial void Delivered(ILogger logger, string? user, long uid);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Delivery to {User} failed; answering 451")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Quota of {User} could not be checked at RCPT; the save checks it")]
    public static partial void QuotaCheckDeferred(ILogger logger, Exception exception, string user);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "A Sieve redirect of {User} was kept instead: no submission relay, or the message was redirected by them before")]
    public static partial void RedirectKept(ILogger logger, string? user);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Forwarded for {User} to {Count} address(es)")]
    public static partial void Redirected(ILogger logger, string? user, int count);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "The vacation reply of {User} could not be queued; the message is stored")]
    public static partial void VacationFailed(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "The duplicate tracking of {User} could not be recorded; the message is stored")]
    public static partial void DuplicateNotRecorded(ILogger logger, Exception exception, string? user);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "A Sieve script edited a header too large to have been read whole; the message is stored as it came")]
    public static partial void HeaderEditSkipped(ILogger logger);
}
