namespace OrleansMail.ObjectStore;

/// <summary>How an object is kept: ready at the lowest operation prices, or cheaper to keep and dearer to read (Azure's Hot and Cool access tiers).</summary>
public enum StorageClass
{
    Hot,
    Cool,
}
