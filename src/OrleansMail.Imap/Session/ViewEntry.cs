using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// One message of a session's view, as a value in the view's column (its UID is the column beside it): what FETCH,
/// SEARCH and SORT read of the record. The record id is not kept: no command of a session needs it.
/// </summary>
internal readonly record struct ViewEntry(Guid BodyId, MessageFlags Flags, string[] Keywords, ulong ModSeq, long InternalDate, long SaveDate, long Size)
{
    public static ViewEntry Of(MessageView m) => new(m.BodyId, m.Flags, m.Keywords, m.ModSeq, m.InternalDate, m.SaveDate, m.Size);

    /// <summary>The record as the session's commands take it; its record id is left empty.</summary>
    public MessageView View(uint uid) => new(Guid.Empty, BodyId, uid, Flags, Keywords, ModSeq, InternalDate, SaveDate, Size);
}
