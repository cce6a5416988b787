namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>A part of a message a section names: all of it, its header (or some fields), its text, or a MIME part's header.</summary>
public enum SectionText
{
    All,
    Header,
    HeaderFields,
    HeaderFieldsNot,
    Text,
    Mime,
}
