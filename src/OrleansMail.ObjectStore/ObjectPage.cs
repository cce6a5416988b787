namespace OrleansMail.ObjectStore;

/// <summary>One page of a listing; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record ObjectPage(IReadOnlyList<ObjectEntry> Items, string? Continuation);
