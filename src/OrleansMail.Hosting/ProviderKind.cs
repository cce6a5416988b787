namespace OrleansMail.Hosting;

/// <summary>The two pluggable parts of a host: where mail lives, and how silos find each other.</summary>
public enum ProviderKind
{
    Storage,
    Clustering,
}
