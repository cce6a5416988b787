using System.Globalization;
using OrleansMail.Mail;

namespace OrleansMail.ObjectStore.Layout;

/// <summary>The metadata a body object carries so that recovery can index it without the index (docs/architecture.md promise 1).</summary>
public static class BodyMetadata
{
    public const string Mailbox = "mailbox";
    public const string Flags = "flags";
    public const string Keywords = "keywords";
    public const string InternalDate = "internaldate";
    public const string Size = "size";
    public const string Sha256 = "sha256";

    public static Dictionary<string, string> Create(Guid mailboxId, MessageFlags flags, IEnumerable<string> keywords, long internalDate, long size, string sha256) => new()
    {
        [Mailbox] = mailboxId.ToString("N"),
        [Flags] = ((int)flags).ToString(CultureInfo.InvariantCulture),
        [Keywords] = string.Join(' ', keywords),
        [InternalDate] = internalDate.ToString(CultureInfo.InvariantCulture),
        [Size] = size.ToString(CultureInfo.InvariantCulture),
        [Sha256] = sha256,
    };

    public static (Guid? MailboxId, MessageFlags Flags, string[] Keywords, long InternalDate, long Size) Parse(IReadOnlyDictionary<string, string> metadata, long objectSize)
    {
        Guid? mailbox = metadata.TryGetValue(Mailbox, out var m) && Guid.TryParseExact(m, "N", out var id) ? id : null;
        var flags = metadata.TryGetValue(Flags, out var f) && int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var fv) ? (MessageFlags)fv & (MessageFlags)0x1F : MessageFlags.None;
        var keywords = metadata.TryGetValue(Keywords, out var k) ? k.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        var date = metadata.TryGetValue(InternalDate, out var d) && long.TryParse(d, NumberStyles.Integer, CultureInfo.InvariantCulture, out var dv) ? dv : 0;
        var size = metadata.TryGetValue(Size, out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var sv) ? sv : objectSize;
        return (mailbox, flags, keywords, date, size);
    }
}
