namespace OrleansMail.Hosting;

/// <summary>Where mail lives: FileSystem (below DataPath) or AzureBlob (a connection string and a container).</summary>
public sealed class StorageOptions
{
    /// <summary>The embedded default: objects as files below DataPath/store.</summary>
    public const string FileSystem = "FileSystem";

    public string Provider { get; set; } = FileSystem;

    public string ConnectionString { get; set; } = "";

    public string Container { get; set; } = "orleansmail";

    /// <summary>
    /// Longest wait for one network operation to Azure Storage. A store that stops answering must become a prompt
    /// 451 / NO [UNAVAILABLE], not a delivery that hangs for the SDK's default 100 s per try.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a failed storage call (exponential, from 0.2 s up to 2 s between tries).</summary>
    public int MaxRetries { get; set; } = 3;
}
