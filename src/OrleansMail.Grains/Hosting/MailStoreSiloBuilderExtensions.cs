using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Configuration;
using Orleans.Storage;
using OrleansMail.Grains.Cache;
using OrleansMail.Grains.Storage;
using OrleansMail.ObjectStore;

namespace OrleansMail.Grains.Hosting;

/// <summary>Registers the mail store on a silo: options, the local cache, the returning-node upload and the manifest storage.</summary>
public static class MailStoreSiloBuilderExtensions
{
    /// <summary>
    /// The grains and their services. The caller registers the <see cref="IObjectStore"/> singleton and picks the
    /// manifest storage with <see cref="UseObjectStoreManifests"/> or another grain storage named <see cref="MailStoreNames.GrainStorage"/> (the Azure hosting package registers Orleans' blob storage).
    /// </summary>
    public static ISiloBuilder AddMailStore(this ISiloBuilder builder, Action<UserGrainOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<UserGrainOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddMailStoreSerialization();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<UserGrainOptions>>().Value;
            return new LocalIndexCache(string.IsNullOrEmpty(o.CacheDirectory) ? Path.Combine(Path.GetTempPath(), "orleansmail-nocache") : o.CacheDirectory, o.LocalCacheMaxBytes, sp.GetRequiredService<MailStoreMetrics>());
        });
        builder.Services.AddSingleton<OrphanJournalUploader>();
        builder.Services.AddSingleton<MailStoreMetrics>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ReturningNodeStartup>();
        builder.Services.AddSingleton<LocalUsers>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloDrain>();
        builder.Configure<TypeManifestOptions>(o => o.EnableConfigurationAnalysis = true);

        // Orleans' default directory deactivates every activation, cluster-wide, whose registration lived on a silo
        // that stops: a rolling upgrade would end a share of all users on the other silos too, the ones just handed
        // over by the drain among them. The distributed directory hands its ranges over instead.
#pragma warning disable ORLEANSEXP003
        builder.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        return builder;
    }

    /// <summary>Manifests as objects in the mail object store itself (the embedded default; Orleans ships no file-system storage).</summary>
    public static ISiloBuilder UseObjectStoreManifests(this ISiloBuilder builder)
    {
        builder.Services.AddGrainStorage(MailStoreNames.GrainStorage, (sp, _) => new ObjectStoreGrainStorage(sp.GetRequiredService<IObjectStore>()));
        return builder;
    }
}
