namespace OrleansMail.Imap.Protocol.Sorting;

/// <summary>The THREAD algorithms offered (RFC 5256 §3).</summary>
public enum ThreadAlgorithm
{
    OrderedSubject,
    References,
}
