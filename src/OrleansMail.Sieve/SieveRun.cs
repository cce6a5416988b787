namespace OrleansMail.Sieve;

/// <summary>One run of a script on one message: the actions so far, whether the implicit keep still stands, the flags the script set (RFC 5232).</summary>
internal sealed class SieveRun(SieveMessage message, SieveLimits limits)
{
    /// <summary>When the message is being delivered: what currentdate compares (RFC 5260 §5).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The server's zone, into which dates are converted when a test names none (RFC 5260 §4.1).</summary>
    public TimeSpan LocalOffset { get; init; }

    public SieveMessage Message { get; } = message;

    public List<SieveAction> Actions { get; } = [];

    public bool ImplicitKeep { get; set; } = true;

    /// <summary>Answers mailboxexists (RFC 5490): the delivery knows the user's mailboxes, the script does not.</summary>
    public Func<string, bool> MailboxExists { get; init; } = _ => false;

    /// <summary>imap4flags' internal variable: flag names, matched without regard to case.</summary>
    public List<string> Flags { get; } = [];

    public void Take(SieveAction action)
    {
        if (Actions.Count >= limits.MaxActions)
        {
            throw new SieveRuntimeException($"more than {limits.MaxActions} actions");
        }

        if (action is SieveRedirect && Actions.Count(a => a is SieveRedirect) >= limits.MaxRedirects)
        {
            throw new SieveRuntimeException($"more than {limits.MaxRedirects} redirects");
        }

        if (action is SieveVacation && Actions.Any(a => a is SieveVacation))
        {
            throw new SieveRuntimeException("more than one vacation action (RFC 5230 §4.7)");
        }

        Actions.Add(action);
    }

    private long _work;

    /// <summary>
    /// Counts what comparing these values with these keys may cost (the characters of the values times those of the
    /// keys: a substring or wildcard search is bounded by that product, not by the value's length alone), and stops
    /// a run that has spent its budget.
    /// </summary>
    public IReadOnlyCollection<string> Charge(IReadOnlyCollection<string> values, IReadOnlyList<string> keys)
    {
        long valueChars = 0, keyChars = 0;
        foreach (var value in values)
        {
            valueChars += value.Length + 1;
        }

        foreach (var key in keys)
        {
            keyChars += key.Length + 1;
        }

        _work += valueChars * keyChars;
        if (_work > limits.MaxMatchWork)
        {
            throw new SieveRuntimeException($"the run compared more than {limits.MaxMatchWork} characters");
        }

        return values;
    }

    public void SetFlags(IEnumerable<string> flags)
    {
        Flags.Clear();
        AddFlags(flags);
    }

    public void AddFlags(IEnumerable<string> flags)
    {
        foreach (var flag in Split(flags))
        {
            if (!Flags.Contains(flag, StringComparer.OrdinalIgnoreCase))
            {
                Flags.Add(flag);
            }
        }
    }

    public void RemoveFlags(IEnumerable<string> flags)
    {
        foreach (var flag in Split(flags))
        {
            Flags.RemoveAll(f => string.Equals(f, flag, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Each string may hold several flags separated by spaces (RFC 5232 §3).</summary>
    public static IEnumerable<string> Split(IEnumerable<string> flags) =>
        flags.SelectMany(f => f.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
