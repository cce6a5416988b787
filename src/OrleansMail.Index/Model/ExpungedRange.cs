namespace OrleansMail.Index.Model;

/// <summary>UIDs First..Last expunged at ModSeq: what QRESYNC's VANISHED (EARLIER) answers from (RFC 7162 §3.2.10).</summary>
public readonly record struct ExpungedRange(uint First, uint Last, ulong ModSeq);
