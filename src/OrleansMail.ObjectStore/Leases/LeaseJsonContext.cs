using System.Text.Json.Serialization;

namespace OrleansMail.ObjectStore.Leases;

/// <summary>Source-generated JSON for the lease object; enum values as names so an operator can read it.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LeaseRecord))]
internal sealed partial class LeaseJsonContext : JsonSerializerContext;
