namespace OrleansMail.Caching;

/// <summary>What a byte-budgeted cache holds now, its budget, and how often it had to drop something.</summary>
public readonly record struct CacheUsage(long Bytes, int Count, long MaxBytes, long Evictions);
