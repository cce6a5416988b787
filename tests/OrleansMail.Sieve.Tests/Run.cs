using OrleansMail.Sieve;

namespace OrleansMail.Sieve.Tests;

/// <summary>Compiles a script, runs it on a message given as text, and spells the outcome as a short string per action.</summary>
internal static class Run
{
    public static string[] Script(string script, string message, string envelopeFrom = "sender@example.org", string envelopeTo = "me@example.com", Func<string, bool>? mailboxExists = null, DateTimeOffset? now = null) =>
        [.. SieveScript.Compile(script).Evaluate(SieveMessage.Parse(message, envelopeFrom, envelopeTo), mailboxExists, now).Select(Spell)];

    public static string Spell(SieveAction action) => action switch
    {
        SieveKeep k => "keep" + Flags(k.Flags),
        SieveFileInto f => $"fileinto {f.Mailbox}{(f.Create ? " :create" : "")}{Flags(f.Flags)}",
        SieveRedirect r => $"redirect {r.Address}",
        SieveReject r => $"{(r.Extended ? "ereject" : "reject")} {r.Reason}",
        SieveVacation v => $"vacation {v.Days}d{(v.Subject is null ? "" : " subject=" + v.Subject)}{(v.From is null ? "" : " from=" + v.From)}{(v.Mime ? " mime" : "")} {v.Reason}",
        _ => action.ToString()!,
    };

    private static string Flags(IReadOnlyList<string> flags) => flags.Count == 0 ? "" : " [" + string.Join(' ', flags) + "]";
}
