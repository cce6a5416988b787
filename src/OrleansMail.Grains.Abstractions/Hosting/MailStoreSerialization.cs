using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace OrleansMail.Grains.Hosting;

/// <summary>Serialization settings every silo and client of the mail store needs.</summary>
public static class MailStoreSerialization
{
    /// <summary>
    /// Lets Orleans carry our typed errors across grain calls: exceptions are serialized only from allowed
    /// namespaces, and the error kind travels in HResult.
    /// </summary>
    public static IServiceCollection AddMailStoreSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("OrleansMail"));
}
