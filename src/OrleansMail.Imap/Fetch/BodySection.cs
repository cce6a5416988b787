using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap.Fetch;

/// <summary>
/// Maps a FETCH section (RFC 3501 §6.4.5: BODY[part.TEXT], BODY[part.MIME], BODY[HEADER.FIELDS ...] …) to the
/// byte range of the stored message it names, from the message's cached summary alone: no body is read to find
/// it. Pure arithmetic, as Dovecot's imap-msgpart does.
/// </summary>
internal static class BodySection
{
    /// <summary>
    /// Where the section's bytes are, before header filtering and before the partial range. A part that does not
    /// exist is empty (RFC 3501 leaves it to the server; Dovecot and Cyrus send an empty string).
    /// </summary>
    public static (long Offset, long Length) Locate(MessageSummary summary, long messageSize, IReadOnlyList<int> part, SectionText text)
    {
        var headerEnd = Math.Min(HeaderEnd(summary), messageSize);
        (long Offset, long Length) range;
        if (part.Count == 0)
        {
            range = text switch
            {
                SectionText.All => (0L, messageSize),
                SectionText.Text => (headerEnd, messageSize - headerEnd),
                _ => (0L, headerEnd),
            };
        }
        else if (Navigate(summary.Body, part) is not { } found)
        {
            range = (0, 0);
        }
        else if (text is SectionText.All)
        {
            range = (found.BodyOffset, found.Octets);
        }
        else if (text is SectionText.Mime)
        {
            range = (found.HeaderOffset, found.BodyOffset - found.HeaderOffset);
        }
        else if (found.MessageBody is { } inner)
        {
            // HEADER and TEXT of a message/rfc822 part are those of the message it carries.
            range = text == SectionText.Text
                ? (inner.BodyOffset, found.BodyOffset + found.Octets - inner.BodyOffset)
                : (found.BodyOffset, inner.BodyOffset - found.BodyOffset);
        }
        else
        {
            range = (0, 0);
        }

        var offset = Math.Clamp(range.Offset, 0, messageSize);
        return (offset, Math.Clamp(range.Length, 0, messageSize - offset));
    }

    /// <summary>The partial range "&lt;origin.octets&gt;" applied to a section of <paramref name="length"/> bytes, as offsets within it.</summary>
    public static (long Start, long Length) Partial(long length, long? origin, long? octets)
    {
        if (origin is not { } from)
        {
            return (0, length);
        }

        var start = Math.Min(from, length);
        return (start, Math.Min(octets ?? length, length - start));
    }

    /// <summary>Where the top-level header ends (the blank line included).</summary>
    public static long HeaderEnd(MessageSummary summary) => summary.HeaderLength > 0 ? summary.HeaderLength : summary.Body.BodyOffset;

    /// <summary>RFC 3501 §6.4.5 part numbers: a single-part body is part 1 of itself; a message/rfc822 part's sub-parts are its message's.</summary>
    public static BodyPartSummary? Navigate(BodyPartSummary top, IReadOnlyList<int> path)
    {
        var current = top;
        for (var i = 0; i < path.Count; i++)
        {
            if (i > 0)
            {
                if (current.MessageBody is { } inner)
                {
                    current = inner;
                }
                else if (current.Parts is not { Length: > 0 })
                {
                    return null;
                }
            }

            var n = path[i];
            if (current.Parts is { Length: > 0 } parts)
            {
                if (n > parts.Length)
                {
                    return null;
                }

                current = parts[n - 1];
            }
            else if (n != 1)
            {
                return null;
            }
        }

        return current;
    }
}
