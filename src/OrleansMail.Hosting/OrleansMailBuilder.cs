using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansMail.Hosting;

/// <summary>
/// What <see cref="OrleansMailHostingExtensions.AddOrleansMail"/> composed, handed to the extensions that add
/// providers (the Azure package) or replace a part (tests): the host, the silo and the configuration as read.
/// </summary>
public sealed class OrleansMailBuilder
{
    internal OrleansMailBuilder(WebApplicationBuilder host, ISiloBuilder silo, IConfigurationSection configuration, MailHostOptions options, string dataPath)
    {
        Host = host;
        Silo = silo;
        Configuration = configuration;
        Options = options;
        DataPath = dataPath;
    }

    public WebApplicationBuilder Host { get; }

    public IServiceCollection Services => Host.Services;

    public ISiloBuilder Silo { get; }

    /// <summary>The OrleansMail section.</summary>
    public IConfigurationSection Configuration { get; }

    /// <summary>The section as read when the host was composed; the validated copy is IOptions&lt;MailHostOptions&gt;.</summary>
    public MailHostOptions Options { get; }

    /// <summary>The data folder, absolute.</summary>
    public string DataPath { get; }

    /// <summary>Declares a value of OrleansMail:Storage:Provider or OrleansMail:Clustering:Provider that something now handles.</summary>
    public OrleansMailBuilder AddProvider(ProviderKind kind, string name)
    {
        Services.AddSingleton(new ProviderRegistration(kind, name));
        return this;
    }
}
