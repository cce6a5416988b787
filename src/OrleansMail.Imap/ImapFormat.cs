using System.Globalization;
using System.Text;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>IMAP renderings of store values: flag lists, INTERNALDATE, ENVELOPE and BODYSTRUCTURE (RFC 3501 §7.4.2).</summary>
internal static class ImapFormat
{
    public const string SystemFlags = @"\Answered \Flagged \Deleted \Seen \Draft";

    public static string Flags(MessageFlags flags, IEnumerable<string> keywords, bool recent = false)
    {
        var parts = new List<string>();
        if (flags.HasFlag(MessageFlags.Seen))
        {
            parts.Add(@"\Seen");
        }

        if (flags.HasFlag(MessageFlags.Answered))
        {
            parts.Add(@"\Answered");
        }

        if (flags.HasFlag(MessageFlags.Flagged))
        {
            parts.Add(@"\Flagged");
        }

        if (flags.HasFlag(MessageFlags.Deleted))
        {
            parts.Add(@"\Deleted");
        }

        if (flags.HasFlag(MessageFlags.Draft))
        {
            parts.Add(@"\Draft");
        }

        if (recent)
        {
            parts.Add(@"\Recent");
        }

        parts.AddRange(keywords);
        return "(" + string.Join(' ', parts) + ")";
    }

    /// <summary>A UID list that keeps its order (COPYUID and APPENDUID pair UIDs by position, RFC 4315), with runs as ranges.</summary>
    public static string UidList(IReadOnlyList<uint> uids)
    {
        var text = new StringBuilder();
        for (var i = 0; i < uids.Count;)
        {
            var j = i;
            while (j + 1 < uids.Count && uids[j + 1] == uids[j] + 1)
            {
                j++;
            }

            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(uids[i].ToString(CultureInfo.InvariantCulture));
            if (j > i)
            {
                text.Append(':').Append(uids[j].ToString(CultureInfo.InvariantCulture));
            }

            i = j + 1;
        }

        return text.ToString();
    }

    /// <summary>date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" with a space-padded day.</summary>
    public static string InternalDate(long unixMilliseconds)
    {
        var date = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
        return "\"" + date.ToString("dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(20) + " +0000\"";
    }

    public static void Envelope(ImapResponseWriter w, MessageEnvelope e)
    {
        w.Raw("(").NString(e.Date).Space().NString(e.Subject).Space();
        Addresses(w, e.From);
        w.Space();
        Addresses(w, e.Sender);
        w.Space();
        Addresses(w, e.ReplyTo);
        w.Space();
        Addresses(w, e.To);
        w.Space();
        Addresses(w, e.Cc);
        w.Space();
        Addresses(w, e.Bcc);
        w.Space().NString(e.InReplyTo).Space().NString(e.MessageId).Raw(")");
    }

    private static void Addresses(ImapResponseWriter w, EnvelopeAddress[] addresses)
    {
        if (addresses.Length == 0)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(");
        foreach (var a in addresses)
        {
            w.Raw("(").NString(a.Name).Space().NString(a.Route).Space().NString(a.Mailbox).Space().NString(a.Host).Raw(")");
        }

        w.Raw(")");
    }

    /// <summary>BODY (non-extensible) or BODYSTRUCTURE (with extension data).</summary>
    public static void BodyStructure(ImapResponseWriter w, BodyPartSummary part, bool extensible)
    {
        if (part.Parts is { Length: > 0 } parts)
        {
            w.Raw("(");
            foreach (var child in parts)
            {
                BodyStructure(w, child, extensible);
            }

            w.Space().String(part.Subtype.ToUpperInvariant());
            if (extensible)
            {
                w.Space();
                Parameters(w, part.Parameters);
                w.Space();
                Disposition(w, part);
                w.Space();
                Language(w, part.Language);
                w.Space().NString(part.Location);
            }

            w.Raw(")");
            return;
        }

        var type = part.Type.ToUpperInvariant();
        var subtype = part.Subtype.ToUpperInvariant();
        var parameters = part.Parameters;
        if (type == "TEXT" && (parameters is null || !parameters.ContainsKey("charset")))
        {
            parameters = new Dictionary<string, string>(parameters ?? [], StringComparer.Ordinal) { ["charset"] = "us-ascii" };
        }

        w.Raw("(").String(type).Space().String(subtype).Space();
        Parameters(w, parameters);
        w.Space().NString(part.ContentId).Space().NString(part.Description).Space().String((part.Encoding ?? "7bit").ToUpperInvariant()).Space().Number(part.Octets);
        if (type == "MESSAGE" && subtype == "RFC822" && part.MessageEnvelope is not null && part.MessageBody is not null)
        {
            w.Space();
            Envelope(w, part.MessageEnvelope);
            w.Space();
            BodyStructure(w, part.MessageBody, extensible);
            w.Space().Number(part.Lines);
        }
        else if (type == "TEXT")
        {
            w.Space().Number(part.Lines);
        }

        if (extensible)
        {
            w.Space().NString(part.Md5).Space();
            Disposition(w, part);
            w.Space();
            Language(w, part.Language);
            w.Space().NString(part.Location);
        }

        w.Raw(")");
    }

    private static void Parameters(ImapResponseWriter w, Dictionary<string, string>? parameters)
    {
        if (parameters is null || parameters.Count == 0)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(");
        var first = true;
        foreach (var (name, value) in parameters)
        {
            if (!first)
            {
                w.Space();
            }

            first = false;
            w.String(name.ToUpperInvariant()).Space().String(value);
        }

        w.Raw(")");
    }

    private static void Disposition(ImapResponseWriter w, BodyPartSummary part)
    {
        if (part.Disposition is null)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(").String(part.Disposition.ToUpperInvariant()).Space();
        Parameters(w, part.DispositionParameters);
        w.Raw(")");
    }

    private static void Language(ImapResponseWriter w, string[]? languages)
    {
        if (languages is null || languages.Length == 0)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(");
        for (var i = 0; i < languages.Length; i++)
        {
            if (i > 0)
            {
                w.Space();
            }

            w.String(languages[i]);
        }

        w.Raw(")");
    }

    /// <summary>Keeps (or with <paramref name="exclude"/>, drops) the named fields of a header block; the blank line that ends it is kept (RFC 3501 §6.4.5).</summary>
    public static byte[] FilterHeader(ReadOnlySpan<byte> header, IReadOnlyCollection<string> fields, bool exclude)
    {
        var output = new MemoryStream();
        var position = 0;
        var keep = false;
        while (position < header.Length)
        {
            var end = header[position..].IndexOf((byte)'\n');
            var lineEnd = end < 0 ? header.Length : position + end + 1;
            var line = header[position..lineEnd];
            var isBlank = line.Length <= 2 && (line.Length == 0 || line[0] is (byte)'\r' or (byte)'\n');
            if (isBlank)
            {
                break;
            }

            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var colon = line.IndexOf((byte)':');
                var name = colon < 0 ? "" : Encoding.ASCII.GetString(line[..colon]).Trim();
                var listed = fields.Contains(name, StringComparer.OrdinalIgnoreCase);
                keep = listed != exclude;
            }

            if (keep)
            {
                output.Write(line);
            }

            position = lineEnd;
        }

        output.Write("\r\n"u8);
        return output.ToArray();
    }
}
