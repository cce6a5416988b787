namespace OrleansMail.FullText;

/// <summary>One commit of a user's index on the silo's disk: its generation, the files it consists of (name, bytes) and the data written with it.</summary>
public sealed record IndexCommitInfo(long Generation, IReadOnlyList<(string Name, long Bytes)> Files, IReadOnlyDictionary<string, string> Data);
