namespace OrleansMail.Sieve;

/// <summary>One token: an identifier or tag (lower-cased, names are case-insensitive), a number (its quantifier applied), a string (unescaped) or a mark.</summary>
public readonly record struct SieveToken(SieveTokenKind Kind, string Text, long Number, SievePosition Position);
