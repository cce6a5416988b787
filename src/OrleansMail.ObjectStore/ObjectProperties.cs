namespace OrleansMail.ObjectStore;

/// <summary>What the store knows of an object without reading it.</summary>
public sealed record ObjectProperties(string Name, long Size, string ETag, DateTimeOffset LastModified, IReadOnlyDictionary<string, string> Metadata);
