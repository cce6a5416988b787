using System.Text;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// METADATA (RFC 5464): the user's entries on the server and on each mailbox, kept by the user's grain; the server's
/// /shared entries come from configuration and are read-only; /private/specialuse shows a mailbox's special use
/// (RFC 6154 §4) and is set with CREATE (USE …), not here.
/// </summary>
internal sealed class MetadataHandler(ImapSessionContext session)
{
    private const string SpecialUseEntry = "/private/specialuse";

    public async Task<string?> GetAsync(GetMetadataRequest request)
    {
        var stored = await EntriesAsync(request.Mailbox).ConfigureAwait(false);
        var found = new List<MetadataEntry>();
        var named = new HashSet<string>(StringComparer.Ordinal); // a client may name thousands: each answered once, in linear time
        var byName = stored.DistinctBy(e => e.Name).ToDictionary(e => e.Name, StringComparer.Ordinal);
        long longest = 0;
        foreach (var name in request.Entries)
        {
            var exact = byName.GetValueOrDefault(name);
            var below = request.Depth == 0 ? [] : stored.Where(e => IsBelow(e.Name, name, request.Depth));
            foreach (var entry in below.Prepend(exact ?? new MetadataEntry(name, null)).Where(e => named.Add(e.Name)))
            {
                if (request.MaxSize is { } max && entry.Value is { } value && value.Length > max)
                {
                    longest = Math.Max(longest, value.Length);
                    continue;
                }

                found.Add(entry);
            }
        }

        if (found.Count > 0)
        {
            var o = session.Out.Raw("* METADATA ");
            o.AString(session.WireName(request.Mailbox)).Raw(" (");
            for (var i = 0; i < found.Count; i++)
            {
                o.Raw(i == 0 ? "" : " ").Raw(found[i].Name).Raw(" ");
                WriteValue(found[i].Value);
            }

            o.Raw(")\r\n");
        }

        // RFC 5464 §4.2.1: the size of the longest value MAXSIZE left out, so the client can ask again.
        return longest > 0 ? $"[METADATA LONGENTRIES {longest}] GETMETADATA completed" : "GETMETADATA completed";
    }

    public async Task<string?> SetAsync(SetMetadataRequest request)
    {
        if (request.Entries.Any(e => e.Entry == SpecialUseEntry))
        {
            throw new ImapNoException("NOPERM", "A mailbox's special use is set with CREATE (USE ...)");
        }

        if (request.Mailbox.Length == 0 && request.Entries.Any(e => e.Entry.StartsWith("/shared/", StringComparison.Ordinal)))
        {
            throw new ImapNoException("NOPERM", "The server's shared entries are set by its administrator");
        }

        MetadataRefusal refusal;
        try
        {
            refusal = await session.Grain.SetMetadataAsync(request.Mailbox, [.. request.Entries.Select(e => new MetadataEntry(e.Entry, e.Value))]).ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("NONEXISTENT", "No such mailbox");
        }

        return refusal.Kind switch
        {
            MetadataRefusalKind.ValueTooLarge => throw new ImapNoException($"METADATA MAXSIZE {refusal.Limit}", "A value is larger than the server keeps"),
            MetadataRefusalKind.TooMany => throw new ImapNoException("METADATA TOOMANY", "Too many METADATA entries, or too much in them"),
            _ => "SETMETADATA completed",
        };
    }

    /// <summary>Whether <paramref name="entry"/> lies 1 to <paramref name="depth"/> levels below <paramref name="name"/>.</summary>
    private static bool IsBelow(string entry, string name, int depth)
    {
        if (depth == 0 || entry.Length <= name.Length + 1 || !entry.StartsWith(name, StringComparison.Ordinal) || entry[name.Length] != '/')
        {
            return false;
        }

        return depth == int.MaxValue || !entry.AsSpan(name.Length + 1).Contains('/');
    }

    private async Task<List<MetadataEntry>> EntriesAsync(string mailbox)
    {
        try
        {
            var entries = (await session.Grain.GetMetadataAsync(mailbox).ConfigureAwait(false)).ToList();
            if (mailbox.Length == 0)
            {
                AddText(entries, "/shared/comment", session.Options.ServerComment);
                AddText(entries, "/shared/admin", session.Options.ServerAdmin);
            }
            else if ((await session.Grain.GetMailboxAsync(mailbox).ConfigureAwait(false)).SpecialUse is var use && use != SpecialUse.None)
            {
                AddText(entries, SpecialUseEntry, "\\" + use);
            }

            return entries;
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("NONEXISTENT", "No such mailbox");
        }
    }

    private static void AddText(List<MetadataEntry> entries, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            entries.Add(new MetadataEntry(name, Encoding.UTF8.GetBytes(value)));
        }
    }

    /// <summary>NIL, a quoted string for short text, a literal for other text, literal8 (RFC 3516 §4.3) for a value with NUL.</summary>
    private void WriteValue(byte[]? value)
    {
        if (value is null)
        {
            session.Out.Raw("NIL");
        }
        else if (value.AsSpan().Contains((byte)0))
        {
            session.Out.Raw("~").Literal(value);
        }
        else if (Encoding.UTF8.GetString(value) is var text && Encoding.UTF8.GetByteCount(text) == value.Length && ImapResponseWriter.CanQuote(text))
        {
            session.Out.String(text);
        }
        else
        {
            session.Out.Literal(value);
        }
    }
}
