namespace OrleansMail.ObjectStore;

/// <summary>Bytes Offset.. of an object; Length null means to the end.</summary>
public readonly record struct ByteRange(long Offset, long? Length);
