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

    /// <summary>The running script's own variables (RFC 5229), by name without regard to case; null when it does not require "variables".</summary>
    public Dictionary<string, string>? Variables { get; set; }

    /// <summary>Variables every script of the run shares once it declares them "global" (RFC 6609 §3.3).</summary>
    public Dictionary<string, string> Globals { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names the running script declared global.</summary>
    public IReadOnlySet<string> GlobalNames { get; set; } = new HashSet<string>();

    /// <summary>When each duplicate-tracking key was last recorded (Unix seconds): what the duplicate test asks.</summary>
    public IReadOnlyDictionary<string, long> Seen { get; init; } = new Dictionary<string, long>();

    /// <summary>Set by stop: the run ends, whatever include it is in.</summary>
    public bool Stopped { get; set; }

    /// <summary>Scripts included with :once so far.</summary>
    public HashSet<string> IncludedOnce { get; } = new(StringComparer.Ordinal);

    private int _includes;

    /// <summary>Most includes one run may execute: nesting is bounded when compiled, repetition here.</summary>
    public const int MaxIncludes = 64;

    /// <summary>Enters an included script's scope (its own variables, its own globals); disposing returns to the includer's.</summary>
    public IDisposable EnterScript(SieveScript script)
    {
        if (++_includes > MaxIncludes)
        {
            throw new SieveRuntimeException($"more than {MaxIncludes} includes");
        }

        var saved = (Variables, GlobalNames);
        Variables = script.Requires.Contains("variables") ? new(StringComparer.OrdinalIgnoreCase) : null;
        GlobalNames = script.GlobalNames;
        return new Scope(this, saved);
    }

    private sealed class Scope(SieveRun run, (Dictionary<string, string>? Variables, IReadOnlySet<string> GlobalNames) saved) : IDisposable
    {
        public void Dispose() => (run.Variables, run.GlobalNames) = saved;
    }

    /// <summary>${0} to ${9}: what the last successful :matches or :regex test captured.</summary>
    public IReadOnlyList<string> MatchValues { get; private set; } = [];

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

    /// <summary>A string as the script sees it when it runs: with "variables", its references expanded and charged to the budget.</summary>
    public string Expand(string text)
    {
        if (Variables is null || !text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var expanded = SieveVariables.Expand(text, name => (GlobalNames.Contains(name) ? Globals : Variables).GetValueOrDefault(name, ""), MatchValues);
        Charge([expanded], [""]);
        return expanded;
    }

    public IReadOnlyList<string> ExpandAll(IReadOnlyList<string> texts) => Variables is null ? texts : [.. texts.Select(Expand)];

    /// <summary>:flags' strings expanded and split into flag names; null when there were none.</summary>
    public IReadOnlyList<string>? FlagList(IReadOnlyList<string>? flags) => flags is null ? null : [.. Split(ExpandAll(flags))];

    public void SetVariable(string name, string value)
    {
        var scope = GlobalNames.Contains(name) ? Globals : Variables!;
        if (!scope.ContainsKey(name) && scope.Count >= SieveVariables.MaxVariables)
        {
            throw new SieveRuntimeException($"more than {SieveVariables.MaxVariables} variables");
        }

        scope[name] = value.Length > SieveVariables.MaxValueLength ? value[..SieveVariables.MaxValueLength] : value;
    }

    /// <summary>
    /// A test's comparison: keys expanded, the cost charged, and with "variables" a successful :matches or :regex
    /// leaves what it captured in ${0}…${9} (RFC 5229 §3.2); a failed one leaves them as they were.
    /// </summary>
    public bool Test(SieveMatch match, IReadOnlyCollection<string> values, IReadOnlyList<string> keys)
    {
        keys = ExpandAll(keys);
        Charge(values, keys);
        if (Variables is null || match.Type is not (SieveMatchType.Matches or SieveMatchType.Regex))
        {
            return match.Any(values, keys);
        }

        foreach (var value in values)
        {
            foreach (var key in keys)
            {
                if (match.Capture(value, key) is { } captured)
                {
                    MatchValues = [.. captured.Take(10).Select(c => c.Length > SieveVariables.MaxValueLength ? c[..SieveVariables.MaxValueLength] : c)];
                    return true;
                }
            }
        }

        return false;
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
