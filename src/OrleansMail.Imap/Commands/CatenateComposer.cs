using System.Buffers;
using System.IO.Pipelines;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Fetch;
using OrleansMail.Imap.Protocol;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Ingest;

namespace OrleansMail.Imap;

/// <summary>
/// Builds a message from CATENATE's parts (RFC 4469): TEXT literals as sent, URL parts read from this user's own
/// messages (whole, a section, or a partial range of one), in order. What a URL cannot name is NO [BADURL]; a
/// message past the size limit is NO [TOOBIG], checked before each part is read. The parts stream through a pipe
/// into the ingest spool as they are read, so a composed message of any size holds only the pipe's buffer in
/// memory, as a streamed APPEND literal does.
/// </summary>
internal sealed class CatenateComposer(ImapSessionContext session)
{
    /// <summary>Parts per composed message; RFC 4469's use (a reply, a forward with its attachments) needs a handful.</summary>
    public const int MaxParts = 100;

    public async Task<IngestedMessage> ComposeAsync(ImapToken parts)
    {
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
            if (!((items[i].Is("TEXT") && items[i + 1].Kind is ImapTokenKind.Literal) || (items[i].Is("URL") && items[i + 1].IsString)))
            {
                throw new ImapSyntaxException("CATENATE takes TEXT literal and URL string parts");
            }
        }

        var pipe = new Pipe();
        var writing = WritePartsAsync(items, pipe.Writer);
        IngestedMessage received;
        try
        {
            received = await session.Services.IngestPath.ReceiveAsync(pipe.Reader.AsStream()).ConfigureAwait(false);
        }
        catch
        {
            // The writer stops at its next flush; its own refusal (BADURL, TOOBIG) says more than the reader's.
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            await writing.ConfigureAwait(false);
            throw;
        }

        await writing.ConfigureAwait(false);
        if (received.Spool.Length == 0)
        {
            await received.DisposeAsync().ConfigureAwait(false);
            throw new ImapNoException("CANNOT", "An empty message cannot be saved");
        }

        return received;
    }

    private async Task WritePartsAsync(List<ImapToken> items, PipeWriter writer)
    {
        var limit = session.Services.Ingest.MaxMessageSize;
        long written = 0;
        try
        {
            for (var i = 0; i < items.Count; i += 2)
            {
                var part = items[i].Is("TEXT") ? Part.Of(items[i + 1].Bytes!) : await LocateUrlAsync(items[i + 1].Text).ConfigureAwait(false);
                if (written + part.Length > limit)
                {
                    throw new ImapNoException("TOOBIG", $"The message would be larger than {limit} bytes");
                }

                if (part.Bytes is { } bytes)
                {
                    writer.Write(bytes);
                }
                else
                {
                    await using var range = await session.Services.Bodies.OpenRangeAsync(session.User.UserId, part.Message!.BodyId, part.Offset, part.Length).ConfigureAwait(false);
                    await range.CopyToAsync(writer).ConfigureAwait(false);
                }

                written += part.Length;
                if ((await writer.FlushAsync().ConfigureAwait(false)).IsCompleted)
                {
                    // The spool stopped reading (it failed): the rest would be read from the store for nothing.
                    break;
                }
            }

            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>What one part adds: bytes in hand (a TEXT literal, a filtered header), or a range of a stored body.</summary>
    private sealed record Part(byte[]? Bytes, MessageView? Message, long Offset, long Length)
    {
        public static Part Of(byte[] bytes) => new(bytes, null, 0, bytes.Length);
    }

    private async Task<Part> LocateUrlAsync(string text)
    {
        var bad = new ImapNoException($"BADURL {text}", "The URL names nothing this user has");
        if (!ImapUrl.TryParse(text, out var url)
            || (url.User is not null && !string.Equals(url.User, session.User.UserId, StringComparison.OrdinalIgnoreCase))
            || (url.Mailbox ?? (session.View?.Owner == session.User.UserId ? session.View.Name : null)) is not { } name)
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
            return Part.Of(filtered.AsSpan((int)from, (int)count).ToArray());
        }

        // Only the bytes asked are read: ";PARTIAL=0.1" of a large message reads one byte, not the message.
        var (start, take) = BodySection.Partial(length, url.PartialOffset, url.PartialLength);
        return new Part(null, message, offset + start, take);

        static FetchItem Assert(List<FetchItem> items) => items is [var only] ? only : throw new ImapSyntaxException("one section");
    }
}
