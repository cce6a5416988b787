namespace OrleansMail.Hosting;

/// <summary>A provider name the host knows how to set up; options naming any other fail validation at start.</summary>
public sealed record ProviderRegistration(ProviderKind Kind, string Name);
