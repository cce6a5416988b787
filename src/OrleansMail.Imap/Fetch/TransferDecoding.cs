using MimeKit.Encodings;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap.Fetch;

/// <summary>Undoes a leaf part's Content-Transfer-Encoding for BINARY (RFC 3516) with MimeKit's decoders.</summary>
internal static class TransferDecoding
{
    /// <summary>Identity encodings, base64 and quoted-printable; a multipart or message part carries no encoding of its own to undo.</summary>
    public static bool CanDecode(BodyPartSummary part) =>
        !IsLeaf(part) || part.Encoding?.ToUpperInvariant() is null or "7BIT" or "8BIT" or "BINARY" or "BASE64" or "QUOTED-PRINTABLE";

    public static byte[] Decode(BodyPartSummary part, byte[] content)
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

        var output = new byte[decoder.EstimateOutputLength(content.Length)];
        var length = decoder.Decode(content, 0, content.Length, output);
        return output.AsSpan(0, length).ToArray();
    }

    private static bool IsLeaf(BodyPartSummary part) => part.Parts is not { Length: > 0 } && part.MessageBody is null;
}
