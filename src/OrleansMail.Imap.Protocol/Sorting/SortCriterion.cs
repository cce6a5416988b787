namespace OrleansMail.Imap.Protocol.Sorting;

/// <summary>What SORT orders by (RFC 5256 §3, with RFC 5957's DISPLAYFROM and DISPLAYTO).</summary>
public enum SortKey
{
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    DisplayFrom,
    DisplayTo,
}

/// <summary>One sort criterion: a key, ascending unless REVERSE stood before it.</summary>
public readonly record struct SortCriterion(SortKey Key, bool Reverse);
