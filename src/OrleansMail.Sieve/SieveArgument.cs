namespace OrleansMail.Sieve;

/// <summary>One argument of a command or test (RFC 5228 §2.6): a string list, a number or a tag.</summary>
public abstract record SieveArgument(SievePosition Position);

/// <summary>A string, or a bracketed list of them: a single string is a list of one.</summary>
public sealed record SieveStringList(IReadOnlyList<string> Values, SievePosition Position) : SieveArgument(Position);

/// <summary>A number with its quantifier already applied.</summary>
public sealed record SieveNumber(long Value, SievePosition Position) : SieveArgument(Position);

/// <summary>A tagged argument such as ":contains", by its lower-cased name without the colon.</summary>
public sealed record SieveTag(string Name, SievePosition Position) : SieveArgument(Position);
