namespace OrleansMail.FullText;

/// <summary>What the index found for one text key: bodies that match for certain, and bodies to read to tell.</summary>
public sealed record TextHits(IReadOnlySet<Guid> Matches, IReadOnlySet<Guid> Candidates);
