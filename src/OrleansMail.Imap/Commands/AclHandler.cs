using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// ACL (RFC 4314): access control lists on the user's mailboxes and, with the "a" right, on other users' shared ones.
/// The owner's grain keeps the list and checks every right, so this handler only reads the command and writes the
/// answer. Identifiers are users of the directory (by their canonical name), "anyone" and "authenticated", each perhaps
/// negative ("-bob"); the owner always has every right.
/// </summary>
internal sealed class AclHandler(ImapSessionContext session)
{
    public Task<string?> RunAsync(AclRequest request) => request.Name switch
    {
        "SETACL" => SetAsync(request),
        "DELETEACL" => DeleteAsync(request),
        "GETACL" => GetAsync(request),
        "LISTRIGHTS" => ListRightsAsync(request),
        _ => MyRightsAsync(request),
    };

    private async Task<string?> SetAsync(AclRequest request)
    {
        var target = Target(request);
        var identifier = Identifier(request.Identifier!, target.Owner);
        var text = request.Rights!;
        if (!MailboxRightsText.TryParse(text.TrimStart('+', '-'), out var rights))
        {
            throw new ImapNoException("CANNOT", "Unknown rights"); // the parser let only rights letters through
        }

        if (text.StartsWith('+') || text.StartsWith('-'))
        {
            // RFC 4314 §3.1: "+" adds to and "-" takes from what the identifier has now.
            var current = (await CallAsync(() => target.Grain.GetAclAsync(target.Name)).ConfigureAwait(false))
                .FirstOrDefault(e => e.Identifier == identifier)?.Rights ?? MailboxRights.None;
            rights = text[0] == '+' ? current | rights : current & ~rights;
        }

        await CallAsync(() => target.Grain.SetAclAsync(target.Name, identifier, rights == MailboxRights.None ? null : rights)).ConfigureAwait(false);
        return "SETACL completed";
    }

    private async Task<string?> DeleteAsync(AclRequest request)
    {
        var target = Target(request);
        await CallAsync(() => target.Grain.SetAclAsync(target.Name, Identifier(request.Identifier!, target.Owner), null)).ConfigureAwait(false);
        return "DELETEACL completed";
    }

    private async Task<string?> GetAsync(AclRequest request)
    {
        var target = Target(request);
        var entries = await CallAsync(() => target.Grain.GetAclAsync(target.Name)).ConfigureAwait(false);
        var o = session.Out.Raw("* ACL ");
        o.AString(session.WireName(request.Mailbox));
        o.Raw(" ").AString(target.Owner).Raw(" ").Raw(MailboxRightsText.Format(MailboxRights.All, obsolete: false));
        foreach (var entry in entries)
        {
            o.Raw(" ").AString(entry.Identifier).Raw(" ").AString(MailboxRightsText.Format(entry.Rights, obsolete: false));
        }

        o.CrLf();
        return "GETACL completed";
    }

    private async Task<string?> ListRightsAsync(AclRequest request)
    {
        var target = Target(request);
        var identifier = Identifier(request.Identifier!, target.Owner);
        await CallAsync(() => target.Grain.GetAclAsync(target.Name)).ConfigureAwait(false); // LISTRIGHTS needs "a" too
        var o = session.Out.Raw("* LISTRIGHTS ");
        o.AString(session.WireName(request.Mailbox)).Raw(" ").AString(request.Identifier!).Raw(" ");
        if (identifier == target.Owner)
        {
            o.Raw(MailboxRightsText.Format(MailboxRights.All, obsolete: false));
        }
        else
        {
            // Nothing is granted without being asked for, and each right can be granted alone (RFC 4314 §3.4).
            o.Raw("\"\" ").Raw(string.Join(' ', MailboxRightsText.Letters.ToCharArray()));
        }

        o.CrLf();
        return "LISTRIGHTS completed";
    }

    private async Task<string?> MyRightsAsync(AclRequest request)
    {
        var target = Target(request);
        var rights = await CallAsync(() => target.Grain.GetMyRightsAsync(target.Name)).ConfigureAwait(false);
        session.Out.Raw("* MYRIGHTS ").AString(session.WireName(request.Mailbox)).Raw(" ").AString(MailboxRightsText.Format(rights)).CrLf();
        return "MYRIGHTS completed";
    }

    private MailboxTarget Target(AclRequest request)
    {
        var name = ImapSessionContext.RequireMailbox(request.Mailbox);
        return session.Resolve(name);
    }

    /// <summary>
    /// An identifier as stored: a user by its canonical name, so aliases and case name one entry; "anyone" and
    /// "authenticated" as they are. A name no user has is refused: a grant to nobody could only be a typo, and a
    /// grantee is told of its grant by its own grain, which a made-up name must not bring into being.
    /// </summary>
    private string Identifier(string identifier, string owner)
    {
        var negative = identifier.StartsWith('-');
        var name = negative ? identifier[1..] : identifier;
        if (name is "anyone" or "authenticated")
        {
            return identifier;
        }

        var user = session.Services.Users.FindLogin(name) ?? throw new ImapNoException("NONEXISTENT", "No such user");
        return (negative ? "-" : "") + user.UserId;
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (MailStoreException e) when (e.Kind == MailStoreErrorKind.NotFound)
        {
            throw new ImapNoException("NONEXISTENT", "No such mailbox");
        }
    }

    private static async Task CallAsync(Func<Task> call) => await CallAsync(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    }).ConfigureAwait(false);
}
