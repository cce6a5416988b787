using Microsoft.Extensions.Hosting;
using OrleansMail.ObjectStore.Azure;

namespace OrleansMail.Hosting.Azure;

/// <summary>Creates the mail container before anything starts (silo, listeners): the first delivery must find it.</summary>
internal sealed class BlobContainerStartup(AzureBlobObjectStore store) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
