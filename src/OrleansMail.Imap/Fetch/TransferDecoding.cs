using MimeKit.Encodings;
using MimeKit.IO;
using MimeKit.IO.Filters;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap.Fetch;

/// <summary>Undoes a leaf part's Content-Transfer-Encoding for BINARY (RFC 3516) with MimeKit's decoders, as a stream.</summary>
internal static class TransferDecoding
{
    /// <summary>Identity encodings, base64 and quoted-printable; a multipart or message part carries no encoding of its own to undo.</summary>
    public static bool CanDecode(BodyPartSummary part) =>
        !IsLeaf(part) || part.Encoding?.ToUpperInvariant() is null or "7BIT" or "8BIT" or "BINARY" or "BASE64" or "QUOTED-PRINTABLE";

    /// <summary>The content read through MimeKit's decoder for the part's encoding; the stream itself when there is none to undo.</summary>
    public static Stream Decoding(BodyPartSummary part, Stream content)
    {
        IMimeDecoder? decoder = !IsLeaf(part) ? null : part.Encoding?.ToUpperInvariant() switch
        {
            "BASE64" => new Base64Decoder(),
            "QUOTED-PRINTABLE" => new QuotedPrintableDecoder(),
            _ => null,
        };
        if (decoder is null)
        {
            return content;
        }

        var decoded = new OwningFilteredStream(content);
        decoded.Add(new DecoderFilter(decoder));
        return decoded;
    }

    /// <summary>MimeKit's filtered stream leaves its source open; this one closes the store read it was given.</summary>
    private sealed class OwningFilteredStream(Stream source) : FilteredStream(source)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                Source.Dispose();
            }
        }
    }

    private static bool IsLeaf(BodyPartSummary part) => part.Parts is not { Length: > 0 } && part.MessageBody is null;
}
