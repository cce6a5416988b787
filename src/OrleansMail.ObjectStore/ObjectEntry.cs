namespace OrleansMail.ObjectStore;

/// <summary>A listed object: name, size and metadata (both backends return metadata in listings).</summary>
public sealed record ObjectEntry(string Name, long Size, IReadOnlyDictionary<string, string> Metadata);
