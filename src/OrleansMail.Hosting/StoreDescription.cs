namespace OrleansMail.Hosting;

/// <summary>Where the configured store keeps mail, in words for the startup log.</summary>
public sealed record StoreDescription(string Where);
