using MimeKit;

namespace OrleansMail.MailStorage.Summaries;

/// <summary>Parses a message once with MimeKit's streaming parser and records envelope, structure and offsets.</summary>
public static class SummaryBuilder
{
    private const int PreviewLength = 256;

    /// <summary>Summarises the message in <paramref name="content"/> (seekable); MimeKit keeps large parts on the stream, not in memory.</summary>
    public static async Task<MessageSummary> BuildAsync(Stream content, CancellationToken cancellationToken = default)
    {
        var offsets = new Dictionary<MimeEntity, (long Begin, long HeadersEnd, long End, long Lines)>(ReferenceEqualityComparer.Instance);
        var begins = new Dictionary<MimeEntity, long>(ReferenceEqualityComparer.Instance);
        long messageHeadersEnd = 0;
        var parser = new MimeParser(content, MimeFormat.Entity, persistent: true);
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
        catch (FormatException)
        {
            // Not a parsable message: still stored byte for byte (as Dovecot does), described as one text part.
            return new MessageSummary(
                new MessageEnvelope(null, null, [], [], [], [], [], [], null, null),
                EmptyText() with { Octets = content.Length },
                null,
                0);
        }

        var body = message.Body is null ? EmptyText() : Part(message.Body, offsets);
        return new MessageSummary(Envelope(message), body, Preview(message), messageHeadersEnd);
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

    private static BodyPartSummary Part(MimeEntity entity, Dictionary<MimeEntity, (long Begin, long HeadersEnd, long End, long Lines)> offsets)
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
        return entity switch
        {
            Multipart multipart => summary with { Parts = multipart.Select(p => Part(p, offsets)).ToArray() },
            MessagePart { Message: { } inner } => summary with
            {
                MessageEnvelope = Envelope(inner),
                MessageBody = inner.Body is null ? EmptyText() : Part(inner.Body, offsets),
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
