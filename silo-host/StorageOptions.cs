namespace OrleansMail.SiloHost;

/// <summary>Where mail lives: FileSystem (below DataPath) or AzureBlob (a connection string and a container).</summary>
public sealed class StorageOptions
{
    public string Provider { get; set; } = "FileSystem";

    public string ConnectionString { get; set; } = "";

    public string Container { get; set; } = "orleansmail";
}
