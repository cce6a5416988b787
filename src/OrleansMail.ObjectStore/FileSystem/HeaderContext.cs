using System.Text.Json.Serialization;

namespace OrleansMail.ObjectStore.FileSystem;

/// <summary>Source-generated JSON for object file headers (no reflection on the hot path).</summary>
[JsonSerializable(typeof(FileSystemObjectStore.Header))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class HeaderContext : JsonSerializerContext;
