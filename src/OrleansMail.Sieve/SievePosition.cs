namespace OrleansMail.Sieve;

/// <summary>Where in a script something is: what every syntax and validation error names, so a user can find it.</summary>
public readonly record struct SievePosition(int Line, int Column)
{
    public override string ToString() => $"line {Line}, column {Column}";
}
