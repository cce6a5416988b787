using OrleansMail.Identity;

namespace OrleansMail.ObjectStore.Layout;

/// <summary>
/// A message's content stored once for several local recipients (docs/architecture.md, "Single instance"): the
/// object under shared/msg/, and the metadata keys that tie it to each recipient's own small object.
/// </summary>
public static class SharedContent
{
    /// <summary>On a recipient's object: the name of the shared content its trace headers precede.</summary>
    public const string ContentKey = "content";

    /// <summary>On the shared content: the recipients' object names, comma-separated; body GC reads it.</summary>
    public const string RecipientsKey = "recipients";

    /// <summary>Most recipients one shared object serves (its metadata lists them all; Azure allows 8 KiB of it).</summary>
    public const int MaxRecipients = 32;

    public static string Name(Guid contentId) => $"shared/msg/{BodyIds.Bucket(contentId)}/{contentId:N}";
}
