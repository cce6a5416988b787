using System.Text;
using MimeKit;
using MimeKit.Utils;
using OrleansMail.MailStorage.Search;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>Parses a message once with MimeKit's streaming parser and records envelope, structure and offsets.</summary>
public static class SummaryBuilder
{
    private const int PreviewLength = 256;

    /// <summary>
    /// Deepest nesting of multiparts and attached messages described part by part; deeper ones become opaque
    /// leaves. Clients show nothing deeper, and the summary must always serialize (Dovecot caps nesting at 100).
    /// </summary>
    public const int MaxDepth = 24;

    /// <summary>Most parts described in one message; the multipart that would exceed it becomes an opaque leaf.</summary>
    public const int MaxParts = 2000;

    /// <summary>MimeKit stops building the tree this deep, so a hostile message cannot cost stack or time past it.</summary>
    private static ParserOptions Parsing => MessageText.Parsing;

    /// <summary>Summarises the message in <paramref name="content"/> (seekable); MimeKit keeps large parts on the stream, not in memory.</summary>
    public static async Task<MessageSummary> BuildAsync(Stream content, CancellationToken cancellationToken = default) =>
        (await BuildAsync(content, maxTextChars: null, cancellationToken).ConfigureAwait(false)).Summary;

    /// <summary>
    /// Summarises and, from the same parse, extracts what SEARCH reads (<see cref="SearchableText"/>, at most
    /// <paramref name="maxTextChars"/> characters; none when null).
    /// </summary>
    public static async Task<(MessageSummary Summary, SearchableText? Text)> BuildAsync(Stream content, int? maxTextChars, CancellationToken cancellationToken = default)
    {
        var offsets = new Dictionary<MimeEntity, (long Begin, long HeadersEnd, long End, long Lines)>(ReferenceEqualityComparer.Instance);
        var begins = new Dictionary<MimeEntity, long>(ReferenceEqualityComparer.Instance);
        long messageHeadersEnd = 0;
        var parser = new MimeParser(Parsing, content, MimeFormat.Entity, persistent: true);
        parser.MimeEntityBegin += (_, e) => begins[e.Entity] = e.BeginOffset;
        parser.MimeEntityEnd += (_, e) => offsets[e.Entity] = (begins.GetValueOrDefault(e.Entity), e.HeadersEndOffset, e.EndOffset, e.Lines);
        parser.MimeMessageEnd += (_, e) =>
        {
            if (e.Parent is null)
            {
                messageHeadersEnd = e.HeadersEndOffset;
            }
        };
        MimeMessage message;
        try
        {
            message = await parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not a parsable message: still stored byte for byte (as Dovecot does), described as one text part.
            return (Opaque(content.Length), maxTextChars is null ? null : SearchableText.Unreadable());
        }

        MessageSummary summary;
        try
        {
            var body = message.Body is null ? EmptyText() : Part(message.Body, offsets, depth: 0, new PartBudget(content));
            summary = new MessageSummary(Envelope(message), body, Preview(message), messageHeadersEnd, References(message));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the store accepted must be indexable: a message MimeKit parses but we cannot describe is
            // described as one opaque part rather than refused after its body is durable.
            summary = Opaque(content.Length);
        }

        return (summary, maxTextChars is { } max ? ExtractText(message, summary, max) : null);
    }

    private static SearchableText ExtractText(MimeMessage message, MessageSummary summary, int maxChars)
    {
        try
        {
            return SearchableText.From(message, summary.Envelope, maxChars);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Text that cannot be extracted is searched by reading the message, never refused.
            return SearchableText.Unreadable();
        }
    }

    /// <summary>The summary of a message nothing is known of but its length: one text part, no envelope.</summary>
    public static MessageSummary Opaque(long length) => new(
        new MessageEnvelope(null, null, [], [], [], [], [], [], null, null),
        EmptyText() with { Octets = length },
        null,
        0);

    /// <summary>What is left of <see cref="MaxParts"/> while a message is described, and the message's bytes for the odd look.</summary>
    private sealed class PartBudget(Stream content)
    {
        public int Remaining { get; set; } = MaxParts;

        public int ByteAt(long offset)
        {
            if (offset < 0 || offset >= content.Length)
            {
                return -1;
            }

            content.Position = offset;
            return content.ReadByte();
        }
    }

    private static int CountParts(MimeEntity entity, int limit)
    {
        var count = 1;
        var pending = new Stack<MimeEntity>();
        pending.Push(entity);
        while (pending.Count > 0 && count <= limit)
        {
            switch (pending.Pop())
            {
                case Multipart multipart:
                    foreach (var child in multipart)
                    {
                        count++;
                        pending.Push(child);
                    }

                    break;
                case MessagePart { Message.Body: { } inner }:
                    count++;
                    pending.Push(inner);
                    break;
            }
        }

        return count;
    }

    /// <summary>A header's value as it stands in the message (encoded words kept), unfolded: what IMAP's ENVELOPE returns.</summary>
    private static string? Raw(HeaderList headers, HeaderId id)
    {
        var header = headers.FirstOrDefault(h => h.Id == id);
        if (header is null)
        {
            return null;
        }

        var text = System.Text.Encoding.UTF8.GetString(header.RawValue);
        return text.Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
    }

    private static BodyPartSummary EmptyText() => new() { Type = "text", Subtype = "plain", Parameters = new() { ["charset"] = "us-ascii" }, Encoding = "7bit" };

    private static BodyPartSummary Part(MimeEntity entity, Dictionary<MimeEntity, (long Begin, long HeadersEnd, long End, long Lines)> offsets, int depth, PartBudget budget)
    {
        var (begin, headersEnd, end, lines) = offsets.GetValueOrDefault(entity);

        // Lines are the line breaks within the part's octets, as Dovecot counts them: a last line that runs into
        // the boundary (whose CRLF belongs to the boundary, RFC 2046 §5.1.1) is not a line of the part.
        if (lines > 0 && end > headersEnd && budget.ByteAt(end - 1) != '\n')
        {
            lines--;
        }

        var type = entity.ContentType;
        var disposition = entity.ContentDisposition;
        var summary = new BodyPartSummary
        {
            Type = type.MediaType.ToLowerInvariant(),
            Subtype = type.MediaSubtype.ToLowerInvariant(),
            Parameters = SevenBit(type.Parameters),
            ContentId = entity.Headers[HeaderId.ContentId],
            Description = entity.Headers[HeaderId.ContentDescription],
            Encoding = entity.Headers[HeaderId.ContentTransferEncoding]?.Trim(),
            Md5 = entity.Headers[HeaderId.ContentMd5]?.Trim(),
            Disposition = disposition?.Disposition,
            DispositionParameters = disposition is null ? null : SevenBit(disposition.Parameters),
            Language = entity.Headers[HeaderId.ContentLanguage]?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            Location = entity.Headers[HeaderId.ContentLocation],
            HeaderOffset = begin,
            BodyOffset = headersEnd,
            Octets = Math.Max(0, end - headersEnd),
            Lines = lines,
        };
        budget.Remaining--;
        if (entity is Multipart or MessagePart && (depth >= MaxDepth || CountParts(entity, budget.Remaining) > budget.Remaining))
        {
            // Too deep or too many: the part keeps its bytes and offsets (BODY[n] still reads them) but is not
            // described further.
            return summary with { Type = "application", Subtype = "octet-stream", Parameters = null };
        }

        return entity switch
        {
            Multipart multipart => summary with { Parts = multipart.Select(p => Part(p, offsets, depth + 1, budget)).ToArray() },
            MessagePart { Message: { } inner } => summary with
            {
                MessageEnvelope = Envelope(inner),
                MessageBody = inner.Body is null ? EmptyText() : Part(inner.Body, offsets, depth + 1, budget),
            },
            _ => summary,
        };
    }

    /// <summary>The References ids, for THREAD=REFERENCES (RFC 5256 §3); only the last ones of a long chain are kept.</summary>
    private static string[]? References(MimeMessage m) =>
        m.References.Count == 0 ? null : [.. m.References.Skip(Math.Max(0, m.References.Count - MessageSummary.MaxReferences))];

    private static MessageEnvelope Envelope(MimeMessage m)
    {
        var from = Addresses(m.From);
        var sender = m.Sender is null ? from : Addresses([m.Sender]);
        var replyTo = m.ReplyTo.Count == 0 ? from : Addresses(m.ReplyTo);
        return new MessageEnvelope(
            Raw(m.Headers, HeaderId.Date),
            Raw(m.Headers, HeaderId.Subject),
            from,
            sender,
            replyTo,
            Addresses(m.To),
            Addresses(m.Cc),
            Addresses(m.Bcc),
            Raw(m.Headers, HeaderId.InReplyTo),
            Raw(m.Headers, HeaderId.MessageId));
    }

    private static EnvelopeAddress[] Addresses(IEnumerable<InternetAddress> list)
    {
        var result = new List<EnvelopeAddress>();
        foreach (var address in list)
        {
            switch (address)
            {
                case MailboxAddress mailbox:
                    {
                        var at = mailbox.Address.LastIndexOf('@');
                        result.Add(new EnvelopeAddress(
                            SevenBit(mailbox.Name),
                            at < 0 ? mailbox.Address : mailbox.Address[..at],
                            at < 0 ? null : mailbox.Address[(at + 1)..],
                            mailbox.Route.Count == 0 ? null : string.Join(',', mailbox.Route.Select(d => "@" + d))));
                        break;
                    }

                case GroupAddress group:
                    // RFC 3501 §7.4.2: a group is a start marker (NIL, name, NIL), its members, and an end marker.
                    result.Add(new EnvelopeAddress(null, SevenBit(group.Name), null));
                    result.AddRange(Addresses(group.Members));
                    result.Add(new EnvelopeAddress(null, null, null));
                    break;
            }
        }

        return [.. result];
    }

    /// <summary>
    /// Parameters as BODYSTRUCTURE carries them: MimeKit joins RFC 2231 continuations and decodes them; an ASCII
    /// value goes out plain, any other as one RFC 2231 extended value in UTF-8 ("filename*" "utf-8''na%C3%AFve"), so
    /// a client that did not ask for UTF-8 never gets 8-bit strings and still reads the name the sender wrote.
    /// </summary>
    private static Dictionary<string, string>? SevenBit(ParameterList parameters)
    {
        if (parameters.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            var name = p.Name.ToLowerInvariant();
            if (p.Value.All(char.IsAscii))
            {
                result[name] = p.Value;
                continue;
            }

            var encoded = new StringBuilder("utf-8''");
            foreach (var b in Encoding.UTF8.GetBytes(p.Value))
            {
                if (b is > 0x20 and < 0x7f && "*'%()<>@,;:\\\"/[]?=".IndexOf((char)b, StringComparison.Ordinal) < 0)
                {
                    encoded.Append((char)b);
                }
                else
                {
                    encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            result[name + "*"] = encoded.ToString();
        }

        return result;
    }

    /// <summary>
    /// A display name as ENVELOPE carries it: 7-bit, as RFC 3501 wants every string a client did not ask to get in
    /// UTF-8. MimeKit hands names decoded; one that is not plain ASCII goes back into RFC 2047 words (UTF-8), which
    /// clients decode to the same text as the sender's own words.
    /// </summary>
    private static string? SevenBit(string? name) =>
        string.IsNullOrEmpty(name) ? null : name.All(char.IsAscii) ? name : Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, name));

    private static string? Preview(MimeMessage m)
    {
        var text = m.TextBody;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // The first PreviewLength characters of the text with each run of white space made one space: collected
        // as far as needed, not by splitting the whole body into words (a long body made a string per word).
        var preview = new StringBuilder(PreviewLength);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = preview.Length > 0;
                continue;
            }

            if (space)
            {
                preview.Append(' ');
                space = false;
            }

            if (preview.Length < PreviewLength)
            {
                preview.Append(c);
            }

            if (preview.Length >= PreviewLength)
            {
                break;
            }
        }

        return preview.ToString();
    }
}
