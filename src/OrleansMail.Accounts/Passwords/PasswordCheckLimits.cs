namespace OrleansMail.Accounts.Passwords;

/// <summary>
/// Password checks are the one costly thing a client can ask for before it has proven anything, so each has a cap
/// (section OrleansMail:Accounts:PasswordChecks). A hash whose parameters exceed the caps is refused when the
/// passwd-file is read, with a log line, instead of being run for every failed login.
/// </summary>
public sealed class PasswordCheckLimits
{
    /// <summary>Longest password, in UTF-8 bytes, that is hashed at all (SHA512-CRYPT's cost grows with its square).</summary>
    public int MaxPasswordLength { get; set; } = 512;

    /// <summary>Longest login name considered.</summary>
    public int MaxLoginLength { get; set; } = 256;

    /// <summary>Checks running at once in the whole silo; 0 is one per processor.</summary>
    public int MaxConcurrent { get; set; }

    /// <summary>Checks waiting for a slot; past that, a login is answered "unavailable" at once.</summary>
    public int MaxQueued { get; set; } = 64;

    /// <summary>How long a check may wait for a slot before the login is answered "unavailable".</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxSha512Rounds { get; set; } = 500_000;

    public int MaxBcryptCost { get; set; } = 14;

    /// <summary>Argon2's memory cost in KiB (the hash's m=); each running check holds this much.</summary>
    public int MaxArgon2MemoryKiB { get; set; } = 256 * 1024;

    public int MaxArgon2Iterations { get; set; } = 16;

    public int MaxArgon2Parallelism { get; set; } = 8;

    /// <summary>The first delay for an address after a failed login; it doubles with each further failure (Dovecot's auth_penalty).</summary>
    public TimeSpan PenaltyInitial { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan PenaltyMax { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an address's failures are remembered after its last one.</summary>
    public TimeSpan PenaltyExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most addresses tracked for the penalty; the oldest are forgotten first.</summary>
    public int PenaltyMaxTracked { get; set; } = 100_000;

    public int EffectiveMaxConcurrent => MaxConcurrent > 0 ? MaxConcurrent : Environment.ProcessorCount;
}
