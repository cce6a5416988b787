using Microsoft.Extensions.Logging;
using OrleansMail.Imap.Protocol;

namespace OrleansMail.Imap;

/// <summary>Commands about the session itself: CAPABILITY, NOOP, LOGOUT, ID (RFC 2971), ENABLE (RFC 5161), NAMESPACE (RFC 2342).</summary>
internal sealed class GeneralHandler(ImapSessionContext session, LoginHandler login)
{
    public async Task<string?> CapabilityAsync(PlainRequest request)
    {
        await session.WriteLineAsync($"* CAPABILITY {session.Capabilities()}").ConfigureAwait(false);
        return "CAPABILITY completed";
    }

    public Task<string?> NoopAsync(PlainRequest request)
    {
        if (session.View is { } view)
        {
            // NOOP is how clients poll (RFC 3501 §6.1.2): look even without a notification.
            view.Dirty = true;
        }

        return Task.FromResult<string?>("NOOP completed");
    }

    public async Task<string?> LogoutAsync(PlainRequest request)
    {
        session.Out.Raw("* BYE Logging out\r\n");

        // Before the tagged OK, so a client that logs straight back in finds its session slot free.
        await login.LeaveUserAsync().ConfigureAwait(false);
        session.State = new LogoutState();
        return "LOGOUT completed";
    }

    public async Task<string?> IdAsync(IdRequest request)
    {
        // RFC 2971: the client's list is for logs only (short and printable); ours names the server.
        if (request.Fields is { } pairs && session.Log.IsEnabled(LogLevel.Information))
        {
            var max = session.Options.MaxIdFieldLength;
            var id = string.Join(", ", pairs.Select(p => $"{LogText.Safe(p.Field, max)}={(p.Value is null ? "NIL" : LogText.Safe(p.Value, max))}"));
            ImapLog.ClientIdentified(session.Log, session.Address, id);
        }

        await session.WriteLineAsync("* ID (\"name\" \"OrleansMail\" \"vendor\" \"OrleansMail\" \"support-url\" \"https://github.com/orleansmail\")").ConfigureAwait(false);
        return "ID completed";
    }

    public async Task<string?> EnableAsync(EnableRequest request)
    {
        var enabled = new List<string>();
        foreach (var capability in request.Capabilities)
        {
            var newly = capability switch
            {
                "CONDSTORE" => session.Extensions.EnableCondStore(),
                "QRESYNC" => session.Extensions.EnableQResync(),
                "UTF8=ACCEPT" => session.Extensions.EnableUtf8Accept(),
                "IMAP4REV2" => session.Extensions.EnableImap4Rev2(),
                _ => false, // RFC 5161: unknown capabilities are ignored
            };
            if (newly)
            {
                enabled.Add(capability == "IMAP4REV2" ? "IMAP4rev2" : capability);
            }
        }

        // RFC 5161: only what this command newly enabled is listed.
        await session.WriteLineAsync(enabled.Count == 0 ? "* ENABLED" : "* ENABLED " + string.Join(' ', enabled)).ConfigureAwait(false);
        return "ENABLE completed";
    }

    /// <summary>COMPRESS DEFLATE (RFC 4978): the tagged OK goes out uncompressed, everything after it compressed.</summary>
    public async Task<string?> CompressAsync(CompressRequest request)
    {
        if (session.Channel.Compressed)
        {
            throw new ImapNoException("COMPRESSIONACTIVE", "Compression is already on");
        }

        if (request.Mechanism != "DEFLATE")
        {
            throw new ImapSyntaxException($"Unknown compression mechanism {request.Mechanism}");
        }

        await session.WriteLineAsync($"{request.Tag} OK DEFLATE active").ConfigureAwait(false);
        session.Channel.StartDeflate();
        return null;
    }

    public async Task<string?> NamespaceAsync(PlainRequest request)
    {
        // RFC 2342 §5: the user's own mailboxes, and other users' (RFC 4314) under "Shared/owner/".
        await session.WriteLineAsync($"* NAMESPACE ((\"\" \"/\")) ((\"{SharedNamespace.Prefix}\" \"/\")) NIL").ConfigureAwait(false);
        return "NAMESPACE completed";
    }
}
