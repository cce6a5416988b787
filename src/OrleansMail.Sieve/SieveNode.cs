namespace OrleansMail.Sieve;

/// <summary>
/// A command or a test as written: its name, its arguments, the tests it takes (one for "if", several for "allof")
/// and, for a command with a block, the commands inside it.
/// </summary>
public sealed record SieveNode(string Name, IReadOnlyList<SieveArgument> Arguments, IReadOnlyList<SieveNode> Tests, IReadOnlyList<SieveNode>? Block, SievePosition Position);
