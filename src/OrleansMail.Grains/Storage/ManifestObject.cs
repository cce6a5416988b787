namespace OrleansMail.Grains.Storage;

/// <summary>An index object named in the manifest, with the checkpoint sequence it belongs to.</summary>
[GenerateSerializer, Immutable, Alias("om.ManifestObject")]
public sealed record ManifestObject([property: Id(0)] long Seq, [property: Id(1)] string Name);
