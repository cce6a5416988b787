using MimeKit;

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
    private static readonly ParserOptions Parsing = new() { MaxMimeDepth = MaxDepth * 2 };

    /// <summary>Summarises the message in <paramref name="content"/> (seekable); MimeKit keeps large parts on the stream, not in memory.</summary>
    public static async Task<MessageSummary> BuildAsync(Stream content, CancellationToken cancellationToken = default)
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
            return Opaque(content.Length);
        }

        try
        {
            var body = message.Body is null ? EmptyText() : Part(message.Body, offsets, depth: 0, new PartBudget());
            return new MessageSummary(Envelope(message), body, Preview(message), messageHeadersEnd);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the store accepted must be indexable: a message MimeKit parses but we cannot describe is
            // described as one opaque part rather than refused after its body is durable.
            return Opaque(content.Length);
        }
    }

    /// <summary>The summary of a message nothing is known of but its length: one text part, no envelope.</summary>
    public static MessageSummary Opaque(long length) => new(
        new MessageEnvelope(null, null, [], [], [], [], [], [], null, null),
        EmptyText() with { Octets = length },
        null,
        0);

    /// <summary>What is left of <see cref="MaxParts"/> while a message is described.</summary>
    private sealed class PartBudget
    {
        public int Remaining { get; set; } = MaxParts;
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
        var type = entity.ContentType;
        var disposition = entity.ContentDisposition;
        var summary = new BodyPartSummary
        {
            Type = type.MediaType.ToLowerInvariant(),
            Subtype = type.MediaSubtype.ToLowerInvariant(),
            Parameters = type.Parameters.Count == 0 ? null : type.Parameters.ToDictionary(p => p.Name.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal),
            ContentId = entity.Headers[HeaderId.ContentId],
            Description = entity.Headers[HeaderId.ContentDescription],
            Encoding = entity.Headers[HeaderId.ContentTransferEncoding]?.Trim(),
            Md5 = entity.Headers[HeaderId.ContentMd5]?.Trim(),
            Disposition = disposition?.Disposition,
            DispositionParameters = disposition is null || disposition.Parameters.Count == 0 ? null : disposition.Parameters.ToDictionary(p => p.Name.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal),
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
                            string.IsNullOrEmpty(mailbox.Name) ? null : mailbox.Name,
                            at < 0 ? mailbox.Address : mailbox.Address[..at],
                            at < 0 ? null : mailbox.Address[(at + 1)..]));
                        break;
                    }

                case GroupAddress group:
                    // RFC 3501 §7.4.2: a group is a start marker (NIL, name, NIL), its members, and an end marker.
                    result.Add(new EnvelopeAddress(null, group.Name, null));
                    result.AddRange(Addresses(group.Members));
                    result.Add(new EnvelopeAddress(null, null, null));
                    break;
            }
        }

        return [.. result];
    }

    private static string? Preview(MimeMessage m)
    {
        var text = m.TextBody;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= PreviewLength ? collapsed : collapsed[..PreviewLength];
    }
}
