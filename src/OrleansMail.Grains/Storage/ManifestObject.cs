namespace OrleansMail.Grains.Storage;

/// <summary>An index object named in the manifest, with the checkpoint sequence it belongs to.</summary>
public sealed record ManifestObject(long Seq, string Name);
