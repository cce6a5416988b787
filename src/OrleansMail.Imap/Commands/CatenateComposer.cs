using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Fetch;
using OrleansMail.Imap.Protocol;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// Builds a message from CATENATE's parts (RFC 4469): TEXT literals as sent, URL parts read from this user's own
/// messages (whole, a section, or a partial range of one), in order. What a URL cannot name is NO [BADURL]; a
/// message past the size limit is NO [TOOBIG], checked as the parts add up.
/// </summary>
internal sealed class CatenateComposer(ImapSessionContext session)
{
    /// <summary>Parts per composed message; RFC 4469's use (a reply, a forward with its attachments) needs a handful.</summary>
    public const int MaxParts = 100;

    public async Task<byte[]> ComposeAsync(ImapToken parts)
    {
        var limit = session.Services.Ingest.MaxMessageSize;
        using var content = new MemoryStream();
        var items = parts.Items;
        if (items.Count == 0 || items.Count % 2 != 0)
        {
            throw new ImapSyntaxException("CATENATE takes TEXT and URL parts");
        }

        if (items.Count / 2 > MaxParts)
        {
            // Each URL costs grain calls and a store read: a command of tiny URLs is bounded by count, not size.
            throw new ImapNoException("LIMIT", $"CATENATE takes at most {MaxParts} parts");
        }

        for (var i = 0; i < items.Count; i += 2)
        {
            var (kind, value) = (items[i], items[i + 1]);
            byte[] bytes;
            if (kind.Is("TEXT") && value.Kind is ImapTokenKind.Literal)
            {
                bytes = value.Bytes!;
            }
            else if (kind.Is("URL") && value.IsString)
            {
                bytes = await ReadUrlAsync(value.Text).ConfigureAwait(false);
            }
            else
            {
                throw new ImapSyntaxException("CATENATE takes TEXT literal and URL string parts");
            }

            if (content.Length + bytes.Length > limit)
            {
                throw new ImapNoException("TOOBIG", $"The message would be larger than {limit} bytes");
            }

            content.Write(bytes);
        }

        return content.Length > 0 ? content.ToArray() : throw new ImapNoException("CANNOT", "An empty message cannot be saved");
    }

    private async Task<byte[]> ReadUrlAsync(string text)
    {
        var bad = new ImapNoException($"BADURL {text}", "The URL names nothing this user has");
        if (!ImapUrl.TryParse(text, out var url)
            || (url.User is not null && !string.Equals(url.User, session.User.UserId, StringComparison.OrdinalIgnoreCase))
            || (url.Mailbox ?? session.View?.Name) is not { } name)
        {
            throw bad;
        }

        MailboxInfo mailbox;
        MessageView[] found;
        try
        {
            mailbox = await session.Grain.GetMailboxAsync(MailboxName.Normalize(name)).ConfigureAwait(false);
            found = await session.Grain.FetchAsync(mailbox.Id, UidSet.Range(url.Uid, url.Uid)).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind is MailStoreErrorKind.NotFound or MailStoreErrorKind.Invalid)
        {
            throw bad;
        }

        if (found is not [var message] || (url.UidValidity is { } validity && validity != mailbox.UidValidity))
        {
            throw bad;
        }

        var userId = session.User.UserId;
        var (offset, length) = (0L, message.Size);
        FetchItem? section = null;
        if (url.Section.Length > 0)
        {
            try
            {
                section = Assert(FetchItem.ParseAll(ImapToken.Atom($"BODY[{url.Section}]")));
            }
            catch (ImapSyntaxException)
            {
                throw bad;
            }

            var summary = (await session.Services.Summaries.GetAsync(userId, [(message.BodyId, message.Size)]).ConfigureAwait(false))[0];
            (offset, length) = BodySection.Locate(summary, message.Size, section.Part, section.Text);
        }

        if (section?.Text is SectionText.HeaderFields or SectionText.HeaderFieldsNot)
        {
            // A filtered header is cut after filtering; a header is small.
            var header = await FetchResponder.ReadRangeAsync(session.Services.Bodies, userId, message, offset, length).ConfigureAwait(false);
            var filtered = ImapFormat.FilterHeader(header, section.Fields, section.Text == SectionText.HeaderFieldsNot);
            var (from, count) = BodySection.Partial(filtered.Length, url.PartialOffset, url.PartialLength);
            return filtered.AsSpan((int)from, (int)count).ToArray();
        }

        // Only the bytes asked are read: ";PARTIAL=0.1" of a large message reads one byte, not the message.
        var (start, take) = BodySection.Partial(length, url.PartialOffset, url.PartialLength);
        return await FetchResponder.ReadRangeAsync(session.Services.Bodies, userId, message, offset + start, take).ConfigureAwait(false);

        static FetchItem Assert(List<FetchItem> items) => items is [var only] ? only : throw new ImapSyntaxException("one section");
    }
}
