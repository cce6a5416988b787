using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansMail.Grains;
using OrleansMail.Grains.Cache;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Hosting;
using OrleansMail.Hosting.Azure;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Azure;
using OrleansMail.ObjectStore.FileSystem;
using OrleansMail.ObjectStore.Testing;
using OrleansMail.Testing;

namespace OrleansMail.Grains.Tests;

/// <summary>
/// A real in-process Orleans cluster running the mail store on a shared object store (a folder, or Azurite).
/// Each silo has its own local cache folder (its "disk") and its own fault plan, so a test can make one node
/// slow, cut off or dead while the others carry on. Two clusters on one store model a split brain.
/// </summary>
public sealed class MailCluster : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FaultPlan> _plans = new();
    private readonly ConcurrentDictionary<string, string> _cacheOverrides = new();

    private MailCluster(InProcessTestCluster cluster, string root, IObjectStore store)
    {
        Cluster = cluster;
        Root = root;
        Store = store;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>Every store operation the silos issued, by "kind name" (create, replace, read, ranged-read, head, list, delete).</summary>
    public ConcurrentDictionary<string, int> Operations { get; } = new();

    public IClusterClient Client => Cluster.Client;

    public string Root { get; }

    /// <summary>The store as the test sees it (no faults).</summary>
    public IObjectStore Store { get; }

    /// <summary>The cache folder the next started silo uses instead of its own (a node returning with its old disk).</summary>
    public string? NextSiloCache { get; set; }

    /// <param name="journalFiles">How the silos open local journal files (a power-loss layer, say).</param>
    public static async Task<MailCluster> StartAsync(StoreSetup storage, int silos = 1, Action<UserGrainOptions>? tune = null, Func<string, JournalFile>? journalFiles = null)
    {
        MailCluster? self = null;
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ClusterId = "c" + Guid.NewGuid().ToString("N")[..8];
        builder.ConfigureSilo((options, silo) =>
        {
            var name = options.SiloName;
            silo.Services.AddSingleton<IObjectStore>(_ => new CountingObjectStore(new FaultInjectingObjectStore(storage.Store, self!._plans.GetOrAdd(name, _ => new FaultPlan())), self!.Operations));
            silo.AddMailStore(o =>
            {
                o.LeaseDuration = TimeSpan.FromSeconds(6);
                o.CheckpointInterval = TimeSpan.FromHours(1);
                o.AllocationCap = 1000;
                o.GarbageGracePeriod = TimeSpan.Zero;
                o.CacheDirectory = self!.CacheOf(name);
                tune?.Invoke(o);
            });
            if (journalFiles is not null)
            {
                silo.Services.AddSingleton(_ => new LocalIndexCache(self!.CacheOf(name)) { JournalFiles = journalFiles });
            }

            if (storage.Blobs is { } blobs)
            {
                silo.UseAzureBlobManifests(blobs, storage.ManifestContainer);
            }
            else
            {
                silo.UseObjectStoreManifests();
            }

            silo.Configure<ClusterMembershipOptions>(m =>
            {
                m.ProbeTimeout = TimeSpan.FromSeconds(1);
                m.NumMissedProbesLimit = 2;
                m.NumVotesForDeathDeclaration = 1;
            });
        });
        builder.ConfigureClient(client => client.Services.AddMailStoreSerialization());
        if (Environment.GetEnvironmentVariable("ORLEANSMAIL_TEST_LOG") is not null)
        {
            builder.ConfigureSiloHost((_, host) => host.Logging.AddConsole().AddFilter("OrleansMail", Microsoft.Extensions.Logging.LogLevel.Information));
        }

        var cluster = builder.Build();
        self = new MailCluster(cluster, storage.Root, storage.Store);
        await cluster.DeployAsync();
        return self;
    }

    public FaultPlan PlanOf(InProcessSiloHandle silo) => _plans.GetOrAdd(silo.Name, _ => new FaultPlan());

    public string CacheOf(string siloName) =>
        _cacheOverrides.GetOrAdd(siloName, _ =>
        {
            var dir = NextSiloCache ?? Path.Combine(Root, "cache-" + siloName + "-" + Guid.NewGuid().ToString("N")[..6]);
            NextSiloCache = null;
            return dir;
        });

    public IUserGrain User(string id) => Client.GetGrain<IUserGrain>(id);

    /// <summary>The silo hosting a user's activation right now.</summary>
    public async Task<InProcessSiloHandle> SiloOfAsync(string user)
    {
        var stats = await User(user).GetStatsAsync();
        return Cluster.Silos.Single(s => s.SiloAddress.ToString() == stats.Silo);
    }

    /// <summary>
    /// Kills the silo hosting <paramref name="user"/> without another word to the store (an in-process kill would
    /// still try to checkpoint); its disk stays behind for <see cref="ReturnAsync"/>.
    /// </summary>
    public async Task<DeadSilo> KillSiloOfAsync(string user)
    {
        var silo = await SiloOfAsync(user);
        var disk = CacheOf(silo.Name);
        PlanOf(silo).Down = true;
        await Cluster.KillSiloAsync(silo);
        return new DeadSilo(silo, disk);
    }

    /// <summary>The dead silo comes back with its disk: a new silo on its cache folder, whose start uploads its journals.</summary>
    public async Task ReturnAsync(DeadSilo dead)
    {
        NextSiloCache = dead.Disk;
        PlanOf(dead.Silo).Down = false; // in case the new silo reuses the dead one's name (and fault plan)
        await Cluster.StartAdditionalSiloAsync();
    }

    /// <summary>A silo killed by <see cref="KillSiloOfAsync"/> and the cache folder it left.</summary>
    public sealed record DeadSilo(InProcessSiloHandle Silo, string Disk);

    /// <summary>Polls <paramref name="condition"/> until it holds or a minute has passed (the caller's asserts then say what is missing).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }

    /// <summary>Calls until the store answers: activations fail as transient while a dead holder's lease is live.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && IsTransient(e))
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>A failure a client retries: the store or a silo unavailable, a timeout, a message rejected while the cluster changes.</summary>
    public static bool IsTransient(Exception e) =>
        e is Errors.MailStoreException { Kind: Errors.MailStoreErrorKind.Unavailable } or ObjectStore.ObjectStoreUnavailableException or SiloUnavailableException or TimeoutException or OrleansMessageRejectionException
        || (e.InnerException is { } inner && IsTransient(inner));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or Errors.MailStoreException)
        {
            // A test that fenced or broke silos may leave them unable to stop cleanly.
        }

        await Cluster.DisposeAsync();
    }
}

/// <summary>The shared storage of one or more clusters: a folder, or an Azurite container pair.</summary>
public sealed class StoreSetup
{
    private StoreSetup(string root, IObjectStore store, BlobServiceClient? blobs, string manifestContainer)
    {
        Root = root;
        Store = store;
        Blobs = blobs;
        ManifestContainer = manifestContainer;
    }

    public string Root { get; }

    public IObjectStore Store { get; }

    public BlobServiceClient? Blobs { get; }

    public string ManifestContainer { get; }

    public static StoreSetup FileSystem(TempFolder folder) =>
        new(folder.Path, new FileSystemObjectStore(Path.Combine(folder.Path, "store")), null, "");

    public static async Task<StoreSetup> AzureAsync(AzuriteServer azurite, TempFolder folder)
    {
        var blobs = azurite.CreateBlobServiceClient();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var store = new AzureBlobObjectStore(blobs.GetBlobContainerClient("mail-" + suffix));
        await store.InitializeAsync();
        return new StoreSetup(folder.Path, store, blobs, "manifests-" + suffix);
    }
}
