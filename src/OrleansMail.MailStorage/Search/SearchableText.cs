using System.Text;
using MimeKit;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.MailStorage.Search;

/// <summary>
/// What SEARCH reads in one message, extracted once when it arrives: the decoded text of its text parts (HTML reduced
/// to text), its header fields, the envelope's subject and addresses as SUBJECT/FROM/TO/CC/BCC match them, and the
/// attachments' file names. A field marked partial was cut short (the per-message budget, an overlong word): the index
/// cannot say "no" for it, only "read the message".
/// </summary>
public sealed class SearchableText
{
    private const byte FormatVersion = 1;

    public List<string> BodyTexts { get; } = [];

    public List<(string Name, string Value)> Headers { get; } = [];

    public string Subject { get; set; } = "";

    /// <summary>Per envelope address: the field (FROM, TO, CC, BCC) and a string SEARCH matches (the decoded name, or mailbox@host).</summary>
    public List<(string Field, string Value)> Addresses { get; } = [];

    public List<string> FileNames { get; } = [];

    public bool BodyPartial { get; set; }

    public bool HeaderPartial { get; set; }

    public bool EnvelopePartial { get; set; }

    /// <summary>A message nothing could be read from: every field partial, so every search reads it.</summary>
    public static SearchableText Unreadable() => new() { BodyPartial = true, HeaderPartial = true, EnvelopePartial = true };

    /// <summary>Extracts from a parsed message and the envelope its summary holds, keeping at most <paramref name="maxChars"/> characters of text.</summary>
    public static SearchableText From(MimeMessage message, MessageEnvelope envelope, int maxChars)
    {
        var text = new SearchableText();
        var budget = maxChars;
        text.AddHeaders(message.Headers, ref budget);
        foreach (var part in MessageText.TextParts(message))
        {
            if (part.Content?.Stream is { CanSeek: true } encoded && encoded.Length > 4L * budget)
            {
                // Far past what is left (decoded text has at most as many characters as encoded bytes, give or take
                // the encoding): not decoded at all, so a 50 MB part costs no 100 MB string. Searched by reading.
                text.BodyPartial = true;
                break;
            }

            var value = MessageText.TextOf(part);
            if (value.Length > budget)
            {
                text.BodyPartial = true;
                break;
            }

            budget -= value.Length;
            text.BodyTexts.Add(value);
        }

        foreach (var entity in message.BodyParts)
        {
            if (entity is MimePart { FileName: { Length: > 0 } name } && text.FileNames.Count < 100)
            {
                text.FileNames.Add(name);
            }
        }

        text.SetEnvelope(envelope, maxChars); // a budget of its own: a long body must not make the envelope partial
        return text;
    }

    /// <summary>Adds header fields (a delivery's trace fields stored in front of the message).</summary>
    public void AddHeaders(HeaderList headers, ref int budget)
    {
        foreach (var header in headers)
        {
            // The name counts too: a message of a million empty fields must not cost a million entries.
            var value = header.Value ?? "";
            var cost = header.Field.Length + value.Length;
            if (cost > budget || header.Field.Length > TextFolding.MaxWordLength || header.Field.Contains(FieldSeparator, StringComparison.Ordinal))
            {
                HeaderPartial = true;
                continue;
            }

            budget -= cost;
            Headers.Add((header.Field, value));
        }
    }

    /// <summary>This message with the header fields of <paramref name="prefix"/> (trace fields written in front of it) added.</summary>
    public SearchableText WithPrefix(byte[] prefix, int maxChars)
    {
        if (prefix.Length == 0)
        {
            return this;
        }

        var copy = Decode(Encode());
        try
        {
            using var stream = new MemoryStream([.. prefix, (byte)'\r', (byte)'\n']);
            var budget = maxChars;
            copy.AddHeaders(HeaderList.Load(stream), ref budget);
        }
        catch (FormatException)
        {
            copy.HeaderPartial = true;
        }

        return copy;
    }

    /// <summary>Separates a header field's name from its words in index terms; no field name contains it.</summary>
    public const char FieldSeparator = '\u001f';

    private void SetEnvelope(MessageEnvelope envelope, int budget)
    {
        Subject = MessageText.Decode(envelope.Subject);
        budget -= Subject.Length;
        Add("FROM", envelope.From);
        Add("TO", envelope.To);
        Add("CC", envelope.Cc);
        Add("BCC", envelope.Bcc);

        void Add(string field, EnvelopeAddress[] addresses)
        {
            foreach (var a in addresses)
            {
                var name = MessageText.Decode(a.Name);
                var address = MessageText.AddressText(a);
                budget -= name.Length + address.Length;
                if (budget < 0)
                {
                    // A To: of a hundred thousand addresses: the rest is searched by reading the message.
                    EnvelopePartial = true;
                    return;
                }

                Addresses.Add((field, name));
                Addresses.Add((field, address));
            }
        }
    }

    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(FormatVersion);
            w.Write((byte)((BodyPartial ? 1 : 0) | (HeaderPartial ? 2 : 0) | (EnvelopePartial ? 4 : 0)));
            w.Write(Subject);
            Write(w, BodyTexts, (w, s) => w.Write(s));
            Write(w, Headers, (w, h) => { w.Write(h.Name); w.Write(h.Value); });
            Write(w, Addresses, (w, a) => { w.Write(a.Field); w.Write(a.Value); });
            Write(w, FileNames, (w, s) => w.Write(s));
        }

        return buffer.ToArray();
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; a damaged or unknown encoding reads as <see cref="Unreadable"/>.</summary>
    public static SearchableText Decode(byte[] encoded)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(encoded, writable: false), Encoding.UTF8);
            if (r.ReadByte() != FormatVersion)
            {
                return Unreadable();
            }

            var flags = r.ReadByte();
            var text = new SearchableText { BodyPartial = (flags & 1) != 0, HeaderPartial = (flags & 2) != 0, EnvelopePartial = (flags & 4) != 0, Subject = r.ReadString() };
            Read(r, text.BodyTexts, r => r.ReadString());
            Read(r, text.Headers, r => (r.ReadString(), r.ReadString()));
            Read(r, text.Addresses, r => (r.ReadString(), r.ReadString()));
            Read(r, text.FileNames, r => r.ReadString());
            return text;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            return Unreadable();
        }
    }

    private static void Write<T>(BinaryWriter w, List<T> items, Action<BinaryWriter, T> write)
    {
        w.Write7BitEncodedInt(items.Count);
        foreach (var item in items)
        {
            write(w, item);
        }
    }

    private static void Read<T>(BinaryReader r, List<T> items, Func<BinaryReader, T> read)
    {
        var count = r.Read7BitEncodedInt();
        if (count < 0 || count > 1_000_000)
        {
            throw new FormatException("item count");
        }

        for (var i = 0; i < count; i++)
        {
            items.Add(read(r));
        }
    }
}
