using Azure.Core;
using Azure.Storage.Blobs;

namespace OrleansMail.Hosting.Azure;

/// <summary>The Azure SDK's client options for OrleansMail:Storage's timeouts and retries.</summary>
public static class BlobClientOptionsFactory
{
    /// <summary>
    /// A store that stops answering must become a prompt 451 / NO [UNAVAILABLE], not a delivery that hangs for the
    /// SDK's default 100 s per try.
    /// </summary>
    public static BlobClientOptions ToBlobClientOptions(this StorageOptions storage)
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = storage.MaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = storage.NetworkTimeout;
        return options;
    }
}
