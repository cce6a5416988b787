using OrleansMail.Grains.Contracts;
using OrleansMail.MailStorage.Bodies;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap.Fetch;

/// <summary>
/// Writes FETCH responses (RFC 3501 §7.4.2): each item rendered from the record and the cached summary, body
/// sections from the bytes at hand or streamed from the store straight into the socket, flushing as it goes so one
/// FETCH of many large bodies never piles up in memory.
/// </summary>
internal sealed class FetchResponder(ImapResponseWriter output, MessageBodies bodies, string userId, Func<Task> flushAsync)
{
    private const int FlushThreshold = 64 * 1024;

    /// <summary>One untagged FETCH response for <paramref name="message"/>, the items in the order asked.</summary>
    /// <param name="flagsChanged">The command set \Seen: FLAGS (and with CONDSTORE, MODSEQ) go out even unasked (RFC 3501 §6.4.5, RFC 7162 §3.2).</param>
    public async Task WriteAsync(SelectedMailbox view, MessageView message, IReadOnlyList<FetchItem> items, MessageSummary? summary, byte[]? data, bool flagsChanged, bool condStore)
    {
        output.Raw($"* {view.SequenceOf(message.Uid)} FETCH (");
        var first = true;
        var wroteFlags = false;
        foreach (var item in items)
        {
            if (!first)
            {
                output.Space();
            }

            first = false;
            switch (item.Kind)
            {
                case FetchKind.Uid:
                    output.Raw("UID ").Number(message.Uid);
                    break;
                case FetchKind.Flags:
                    output.Raw("FLAGS ").Raw(ImapFormat.Flags(message.Flags, message.Keywords, view.IsRecent(message.Uid)));
                    wroteFlags = true;
                    break;
                case FetchKind.InternalDate:
                    output.Raw("INTERNALDATE ").Raw(ImapFormat.InternalDate(message.InternalDate));
                    break;
                case FetchKind.Size:
                    output.Raw("RFC822.SIZE ").Number(message.Size);
                    break;
                case FetchKind.ModSeq:
                    output.Raw("MODSEQ (").Number((long)message.ModSeq).Raw(")");
                    break;
                case FetchKind.EmailId:
                    // RFC 8474: the body id; a COPY shares the body, so copies share the EMAILID as the RFC wants.
                    output.Raw($"EMAILID (M{message.BodyId:N})");
                    break;
                case FetchKind.ThreadId:
                    output.Raw("THREADID NIL");
                    break;
                case FetchKind.SaveDate:
                    output.Raw("SAVEDATE ").Raw(message.SaveDate > 0 ? ImapFormat.InternalDate(message.SaveDate) : "NIL");
                    break;
                case FetchKind.Preview:
                    // RFC 8970: computed at delivery from the first text part (whitespace collapsed, 256 characters at most).
                    output.Raw("PREVIEW ").NString(summary!.Preview);
                    break;
                case FetchKind.Envelope:
                    output.Raw("ENVELOPE ");
                    ImapFormat.Envelope(output, summary!.Envelope);
                    break;
                case FetchKind.Body:
                    output.Raw("BODY ");
                    ImapFormat.BodyStructure(output, summary!.Body, extensible: false);
                    break;
                case FetchKind.BodyStructure:
                    output.Raw("BODYSTRUCTURE ");
                    ImapFormat.BodyStructure(output, summary!.Body, extensible: true);
                    break;
                case FetchKind.Section when item.Binary:
                    output.Raw(item.Label).Space();
                    await WriteBinaryAsync(message, item, summary!, data).ConfigureAwait(false);
                    break;
                case FetchKind.Section:
                    output.Raw(item.Label).Space();
                    await WriteSectionAsync(message, item, summary!, data).ConfigureAwait(false);
                    break;
                case FetchKind.BinarySize:
                    output.Raw(item.Label).Space().Number((await MeasureDecodedAsync(message, item, summary!, data).ConfigureAwait(false)).Length);
                    break;
            }
        }

        if (flagsChanged && !wroteFlags)
        {
            output.Raw(" FLAGS ").Raw(ImapFormat.Flags(message.Flags, message.Keywords, view.IsRecent(message.Uid)));
        }

        if (flagsChanged && condStore && !items.Any(i => i.Kind == FetchKind.ModSeq))
        {
            output.Raw(" MODSEQ (").Number((long)message.ModSeq).Raw(")");
        }

        output.Raw(")\r\n");
        if (output.Unflushed > FlushThreshold)
        {
            await flushAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteSectionAsync(MessageView message, FetchItem item, MessageSummary summary, byte[]? data)
    {
        var (offset, length) = BodySection.Locate(summary, message.Size, item.Part, item.Text);
        byte[]? filtered = null;
        if (item.Text is SectionText.HeaderFields or SectionText.HeaderFieldsNot)
        {
            var header = data is not null && data.Length >= offset + length
                ? data.AsSpan((int)offset, (int)length).ToArray()
                : await ReadRangeAsync(bodies, userId, message, offset, length).ConfigureAwait(false);
            filtered = ImapFormat.FilterHeader(header, item.Fields, item.Text == SectionText.HeaderFieldsNot);
            offset = 0;
            length = filtered.Length;
        }

        // The partial range, applied last (RFC 3501 §6.4.5 "<origin.octets>").
        var (start, partLength) = BodySection.Partial(length, item.PartialOffset, item.PartialLength);
        offset += start;
        length = partLength;

        if (filtered is not null || (data is not null && data.Length >= offset + length))
        {
            output.Literal((filtered ?? data).AsSpan((int)offset, (int)length));

            // Flush per section, not per message: one FETCH may name many sections of one body.
            if (output.Unflushed > FlushThreshold)
            {
                await flushAsync().ConfigureAwait(false);
            }

            return;
        }

        // Large bodies stream straight from the store into the socket.
        output.LiteralHeader(length);
        if (length == 0)
        {
            return;
        }

        await using var stream = await bodies.OpenRangeAsync(userId, message.BodyId, offset, length).ConfigureAwait(false);
        await StreamLiteralAsync(stream, length).ConfigureAwait(false);
    }

    /// <summary>The <paramref name="length"/> bytes of a literal whose header is written, from a stream, flushing as it goes.</summary>
    private async Task StreamLiteralAsync(Stream source, long length)
    {
        await flushAsync().ConfigureAwait(false);
        var copied = 0L;
        var buffer = new byte[81920];
        int read;
        while (copied < length && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - copied))).ConfigureAwait(false)) > 0)
        {
            output.Raw(buffer.AsSpan(0, read));
            copied += read;
            await flushAsync().ConfigureAwait(false);
        }

        if (copied < length)
        {
            // The stored object is shorter than its record says: the literal's length is promised, so the connection cannot go on.
            throw new IOException("stored body shorter than indexed");
        }
    }

    /// <summary>
    /// Refuses, before anything of the answer is written, a BINARY item whose part has a transfer encoding we cannot
    /// undo (RFC 3516 §4.3: NO [UNKNOWN-CTE]).
    /// </summary>
    public static void CheckBinary(IReadOnlyList<FetchItem> items, MessageSummary? summary)
    {
        foreach (var item in items.Where(i => i.Binary || i.Kind == FetchKind.BinarySize))
        {
            if (item.Part.Length > 0 && summary is not null && BodySection.Navigate(summary.Body, item.Part) is { } part && !TransferDecoding.CanDecode(part))
            {
                throw new ImapNoException("UNKNOWN-CTE", $"Cannot decode the {part.Encoding} transfer encoding");
            }
        }
    }

    /// <summary>
    /// BINARY[part]: the decoded bytes, partial range applied; a literal8 (RFC 3516 §4.2) when they hold a NUL, which
    /// a literal may not. Two passes over the part, the first measuring it and looking for a NUL, so a decoded part
    /// of any size streams rather than sitting in memory (a large part is read from the store twice).
    /// </summary>
    private async Task WriteBinaryAsync(MessageView message, FetchItem item, MessageSummary summary, byte[]? data)
    {
        var (total, nul) = await MeasureDecodedAsync(message, item, summary, data).ConfigureAwait(false);
        var (start, length) = BodySection.Partial(total, item.PartialOffset, item.PartialLength);
        if (nul)
        {
            output.Raw("~");
        }

        output.LiteralHeader(length);
        if (length == 0)
        {
            return;
        }

        await using var decoded = await OpenDecodedAsync(message, item, summary, data).ConfigureAwait(false);
        var buffer = new byte[81920];
        for (var skipped = 0L; skipped < start;)
        {
            var read = await decoded.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, start - skipped))).ConfigureAwait(false);
            skipped += read > 0 ? read : throw new IOException("stored body shorter than indexed");
        }

        await StreamLiteralAsync(decoded, length).ConfigureAwait(false);
    }

    /// <summary>
    /// The decoded length of a part (BINARY.SIZE), and whether the bytes BINARY's partial range takes of it hold a
    /// NUL; read as a stream, never held.
    /// </summary>
    private async Task<(long Length, bool Nul)> MeasureDecodedAsync(MessageView message, FetchItem item, MessageSummary summary, byte[]? data)
    {
        var (from, to) = (item.PartialOffset ?? 0, item.PartialLength is { } octets ? (item.PartialOffset ?? 0) + octets : long.MaxValue);
        await using var decoded = await OpenDecodedAsync(message, item, summary, data).ConfigureAwait(false);
        var buffer = new byte[81920];
        var (length, nul) = (0L, false);
        int read;
        while ((read = await decoded.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (!nul && length < to && length + read > from)
            {
                var first = (int)Math.Max(0, from - length);
                var last = (int)Math.Min(read, to - length);
                nul = buffer.AsSpan(first, last - first).Contains((byte)0);
            }

            length += read;
        }

        return (length, nul);
    }

    /// <summary>A part's content with its transfer encoding undone, as a stream; the whole message (BINARY[]) and non-leaf parts as stored.</summary>
    private async Task<Stream> OpenDecodedAsync(MessageView message, FetchItem item, MessageSummary summary, byte[]? data)
    {
        var (offset, length) = BodySection.Locate(summary, message.Size, item.Part, SectionText.All);
        var raw = data is not null && data.Length >= offset + length
            ? new MemoryStream(data, (int)offset, (int)length, writable: false)
            : await bodies.OpenRangeAsync(userId, message.BodyId, offset, length).ConfigureAwait(false);
        return item.Part.Length > 0 && BodySection.Navigate(summary.Body, item.Part) is { } part ? TransferDecoding.Decoding(part, raw) : raw;
    }

    /// <summary>A byte range of a stored body, read whole.</summary>
    public static async Task<byte[]> ReadRangeAsync(MessageBodies bodies, string userId, MessageView message, long offset, long length)
    {
        await using var stream = await bodies.OpenRangeAsync(userId, message.BodyId, offset, length).ConfigureAwait(false);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory).ConfigureAwait(false);
        return memory.ToArray();
    }
}
