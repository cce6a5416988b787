namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>The kinds of FETCH data item (RFC 3501 §6.4.5).</summary>
public enum FetchKind
{
    Uid,
    Flags,
    InternalDate,
    Size,
    Envelope,
    Body,
    BodyStructure,
    Section,
    ModSeq,
    EmailId,
    ThreadId,
    SaveDate,

    /// <summary>RFC 8970: a short plain-text preview of the message, from its summary.</summary>
    Preview,

    /// <summary>RFC 3516: BINARY.SIZE[part], the size of the part once its transfer encoding is undone.</summary>
    BinarySize,
}
