namespace OrleansMail.Sieve;

/// <summary>What one script may cost: its size and depth when compiled, its actions when run on a message.</summary>
public sealed record SieveLimits
{
    public int MaxScriptBytes { get; init; } = 64 * 1024;

    public int MaxNesting { get; init; } = 32;

    /// <summary>Actions one run may take, counting every keep, fileinto, redirect and reject.</summary>
    public int MaxActions { get; init; } = 32;

    public int MaxRedirects { get; init; } = 4;

    /// <summary>
    /// What one run may compare, summed over every test as its values' characters times its keys' characters (the
    /// bound of a substring or wildcard search): a script of a thousand rules, or one long pattern, over a header of
    /// megabytes must not cost a delivery seconds of CPU. Past it the run fails and the message is kept.
    /// </summary>
    public long MaxMatchWork { get; init; } = 64L * 1024 * 1024;

    /// <summary>Whether redirect and vacation may be used at all: only where the server can send mail (a submission relay).</summary>
    public bool CanSendMail { get; init; } = true;

    /// <summary>Whether scripts may add and delete header fields (RFC 5293 editheader): off unless the administrator allows it.</summary>
    public bool AllowEditHeader { get; init; }

    /// <summary>The shortest and longest :days a vacation may ask for (RFC 5230 §4.1: the least is site-defined, at least 1).</summary>
    public int MinVacationDays { get; init; } = 1;

    public int MaxVacationDays { get; init; } = 30;

    /// <summary>How long the duplicate test remembers a message when the script does not say (RFC 7352 §3.2), and the most it may ask for.</summary>
    public long DuplicateDefaultSeconds { get; init; } = 12 * 3600;

    public long DuplicateMaxSeconds { get; init; } = 7 * 24 * 3600;
}
