using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MimeKit;
using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.Sieve;
using OrleansMail.Submission;

namespace OrleansMail.Lmtp;

/// <summary>
/// Runs a recipient's active Sieve script at delivery (RFC 5228): asks the user's grain whether the version it holds
/// is still current (the source travels only when it changed), compiles it once per version and keeps it, and turns a run that fails into a plain keep, so a script can never lose or
/// bounce a message by mistake (RFC 5228 §2.10.6).
/// </summary>
public sealed partial class SieveFilter(IGrainFactory grains, SieveLimits rules, OutboundQueue outbound, TimeProvider time, ILogger<SieveFilter> log)
{
    /// <summary>Compiled scripts kept at once; past it the table starts over (a recompile costs microseconds).</summary>
    private const int MaxCompiled = 10_000;

    /// <summary>The most of a message's header a script reads (Postfix refuses more than 100 KiB of header by default).</summary>
    public const int MaxHeaderBytes = 1024 * 1024;

    /// <summary>RFC 5228 §4.2 leaves loop detection to the implementation: each redirect adds this field, and a message that already names the user in it is kept instead.</summary>
    public const string RedirectedFromField = "X-Sieve-Redirected-From";

    /// <summary>Whether mail the script asks to send can be sent: a submission relay is configured.</summary>
    public bool CanSendMail => outbound.Enabled;

    private readonly ConcurrentDictionary<string, (string? Version, SieveScript? Script)> _compiled = new(StringComparer.Ordinal);

    /// <summary>The actions for one recipient, or null when the user has no active script (deliver as usual).</summary>
    /// <param name="headers">The message's header, read once for all of the message's recipients.</param>
    /// <param name="body">The start of the message, for a body test; read only when a script has one, once per message.</param>
    public async Task<IReadOnlyList<SieveAction>?> PlanAsync(string userId, Lazy<HeaderList> headers, long size, string envelopeFrom, string envelopeTo, SieveBody? body = null)
    {
        var grain = grains.GetGrain<IUserGrain>(userId);
        _compiled.TryGetValue(userId, out var compiled);
        var active = await grain.GetActiveSieveScriptAsync(compiled.Version).ConfigureAwait(false);
        if (active is null)
        {
            return null;
        }

        // Unchanged only ever answers a version this silo compiled, whose script the local copy above still holds.
        if (!active.Unchanged || compiled.Script is null)
        {
            try
            {
                var includes = active.Includes;
                compiled = (active.Version, SieveScript.Compile(active.Source, rules, n => includes?.GetValueOrDefault(n), active.Name));
            }
            catch (SieveScriptException e)
            {
                // Checked when stored; this is a script an older or newer build accepted. Deliver as if there were none.
                ScriptRefused(log, userId, active.Name, e.Message);
                return null;
            }

            if (_compiled.Count >= MaxCompiled)
            {
                _compiled.Clear();
            }

            _compiled[userId] = compiled;
        }

        var script = compiled.Script!;
        var mailboxes = script.Requires.Contains("mailbox")
            ? (await grain.ListMailboxesAsync().ConfigureAwait(false)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal)
            : [];

        // An included script may test too, so the whole bundle's requires decide (see SieveScript.UsesAnywhere).
        var seen = script.UsesAnywhere("duplicate") ? await grain.GetDuplicateTrackingAsync().ConfigureAwait(false) : null;
        try
        {
            return script.Evaluate(new SieveMessage(headers.Value, envelopeFrom, envelopeTo, size, body), name => mailboxes.Contains(MailboxName.Normalize(name)), seen: seen);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Limits, actions that exclude each other, or a bug a message found: the message is kept either way,
            // never answered 451 again and again for something the sender cannot change.
            RunFailed(log, userId, active.Name, e.Message);
            return [new SieveKeep([])];
        }
    }

    /// <summary>
    /// Queues a redirect (RFC 5228 §4.2): the message as it came, under a field that names who redirected it, to
    /// the new address, from the original envelope sender. Durable before the delivery is acknowledged.
    /// </summary>
    public async Task RedirectAsync(Stream message, string envelopeFrom, string redirectedBy, string to)
    {
        var trace = System.Text.Encoding.UTF8.GetBytes($"{RedirectedFromField}: {redirectedBy}\r\n");
        await outbound.EnqueueAsync(new OutboundEnvelope(envelopeFrom, [to]), message, trace).ConfigureAwait(false);
    }

    /// <summary>After the delivery: the messages the duplicate test looked at are remembered as seen (RFC 7352 §3.3).</summary>
    public async Task RecordDuplicatesAsync(string userId, IReadOnlyList<SieveAction> plan)
    {
        var tracked = plan.OfType<SieveTrackDuplicate>().ToList();
        if (tracked.Count > 0)
        {
            await grains.GetGrain<IUserGrain>(userId).RecordDuplicatesAsync([.. tracked.Where(t => !t.Last).Select(t => t.Key)], [.. tracked.Where(t => t.Last).Select(t => t.Key)]).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the message has been redirected by this user before: redirecting it again would loop.</summary>
    public static bool RedirectedBefore(HeaderList headers, string address) =>
        headers.Any(h => h.Field.Equals(RedirectedFromField, StringComparison.OrdinalIgnoreCase) && h.Value.Trim().Equals(address, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A vacation reply (RFC 5230), when the message deserves one and this sender has not had one for this vacation
    /// within its days: queued first and recorded after, so a failure between the two may answer twice but never
    /// loses an answer. Returns whether one was queued.
    /// </summary>
    public async Task<bool> VacationAsync(string userId, HeaderList headers, long size, string envelopeFrom, string address, string ownAddress, SieveVacation vacation)
    {
        var message = new SieveMessage(headers, envelopeFrom, address, size);
        if (!VacationResponse.ShouldReply(message, vacation, [address, ownAddress]))
        {
            return false;
        }

        var grain = grains.GetGrain<IUserGrain>(userId);
        var key = VacationResponse.TrackingKey(vacation, envelopeFrom);
        if (await grain.HasAutoRepliedAsync(key, TimeSpan.FromDays(vacation.Days)).ConfigureAwait(false))
        {
            return false;
        }

        var reply = VacationResponse.Build(message, vacation, ownAddress, time.GetUtcNow());
        using var bytes = new MemoryStream();
        await reply.WriteToAsync(bytes).ConfigureAwait(false);
        bytes.Position = 0;

        // §5.1: the reply's envelope sender is null, so nothing automatic answers it.
        await outbound.EnqueueAsync(new OutboundEnvelope("", [envelopeFrom]), bytes).ConfigureAwait(false);
        await grain.RecordAutoReplyAsync(key).ConfigureAwait(false);
        return true;
    }

    /// <summary>Sieve flag names (RFC 5232) as the store's flags and keywords; names that are neither are dropped.</summary>
    public static (MessageFlags Flags, string[] Keywords) Flags(IEnumerable<string> names)
    {
        var flags = MessageFlags.None;
        var keywords = new List<string>();
        foreach (var name in names)
        {
            if (name.StartsWith('\\'))
            {
                flags |= FlagNames.TryParseSystem(name, out var flag) ? flag : MessageFlags.None;
            }
            else if (FlagNames.IsValidKeyword(name) && !keywords.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                keywords.Add(name);
            }
        }

        return (flags, [.. keywords]);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "User {User}: the Sieve script {Script} does not compile here ({Reason}); delivering without it")]
    private static partial void ScriptRefused(ILogger logger, string user, string script, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "User {User}: the Sieve script {Script} failed on a message ({Reason}); kept in INBOX")]
    private static partial void RunFailed(ILogger logger, string user, string script, string reason);
}
