namespace OrleansMail.MailStorage.Ingest;

/// <summary>One recipient's place in a message stored once: its body id (planned before the content was stored, so the content can name it) and the content's object.</summary>
public sealed record SharedCopy(Guid BodyId, string ContentName);
