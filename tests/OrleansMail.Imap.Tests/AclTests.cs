using MailKit;
using MailKit.Net.Imap;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>ACL (RFC 4314) and the shared namespace: another user's mailbox through its owner's grain, each command checked against the rights of that moment.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class AclTests(ImapHost host)
{
    private static readonly string Note = ImapHost.Message("team note", "for the team");

    [Fact]
    public async Task Rights_granted_narrowed_and_revoked_while_the_other_user_has_the_mailbox_selected()
    {
        var (alice, bob) = (host.NewUser(), host.NewUser());
        var shared = $"Shared/{alice}/Projects";
        await using var a = await host.LoggedInAsync(alice);
        await using var b = await host.LoggedInAsync(bob);
        Assert.Contains(" ACL ", (await a.CommandAsync("a0", "CAPABILITY"))[0] + " ");
        await a.CommandAsync("a1", "CREATE Projects");
        await a.AppendAsync("a2", "Projects", Note);
        await a.CommandAsync("a3", "CREATE Private");

        // Before any grant bob sees nothing of alice's, not even that Projects exists.
        Assert.Equal("b1 NO [NONEXISTENT] No such mailbox", (await b.CommandAsync("b1", $"SELECT {shared}"))[^1]);

        Assert.Equal("a4 OK SETACL completed", (await a.CommandAsync("a4", $"SETACL Projects {bob} lr"))[^1]);
        Assert.Equal($"* ACL Projects {alice} lrswipkxtea {bob} lr", (await a.CommandAsync("a5", "GETACL Projects"))[0]);
        Assert.Equal("* MYRIGHTS Projects lrswipkxteacd", (await a.CommandAsync("a6", "MYRIGHTS Projects"))[0]);

        // bob finds it in the other users' namespace, and only it.
        Assert.Equal("* NAMESPACE ((\"\" \"/\")) ((\"Shared/\" \"/\")) NIL", (await b.CommandAsync("b2", "NAMESPACE"))[0]);
        var list = await b.CommandAsync("b3", "LIST \"\" \"Shared/*\"");
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" {shared}", list);
        Assert.DoesNotContain(list, l => l.Contains("Private", StringComparison.Ordinal) || l.Contains("INBOX", StringComparison.Ordinal));
        Assert.Contains(list, l => l.Contains("\\NonExistent", StringComparison.Ordinal) && l.EndsWith($"Shared/{alice}", StringComparison.Ordinal));
        Assert.Equal($"* STATUS {shared} (MESSAGES 1)", (await b.CommandAsync("b4", $"STATUS {shared} (MESSAGES)"))[0]);
        Assert.Equal($"b5 NO [NONEXISTENT] No such mailbox", (await b.CommandAsync("b5", $"SELECT Shared/{alice}/Private"))[^1]);

        // Read it; "l" and "r" open it read-only and do not let him flag, append, create or administer.
        Assert.Contains("b6 OK [READ-ONLY]", (await b.CommandAsync("b6", $"SELECT {shared}"))[^1]);
        await b.SendAsync("b7 FETCH 1 BODY.PEEK[TEXT]\r\n");
        Assert.Contains("for the team", string.Join("\n", await b.ResponsesUntilTaggedAsync("b7")));
        Assert.Equal($"* MYRIGHTS {shared} lr", (await b.CommandAsync("b8", $"MYRIGHTS {shared}"))[0]);
        Assert.StartsWith("b9 NO [READ-ONLY]", (await b.CommandAsync("b9", "STORE 1 +FLAGS (\\Flagged)"))[^1]);
        Assert.StartsWith("c1 NO [NOPERM]", (await b.CommandAsync("c1", $"SETACL {shared} {bob} lrw"))[^1]);
        Assert.StartsWith("c2 NO [NOPERM]", (await b.AppendAsync("c2", shared, Note))[^1]);
        Assert.StartsWith("c2b NO [NOPERM]", (await b.CommandAsync("c2b", $"CREATE Shared/{alice}/Mine"))[^1]);

        // Granted "w": the mailbox opens read-write and flags may change, but without "s" reading leaves \Seen
        // alone (RFC 4314 §4); alice's new message reaches bob's IDLE at once.
        await a.CommandAsync("a7", $"SETACL Projects {bob} +w");
        Assert.Contains("c3 OK [READ-WRITE]", (await b.CommandAsync("c3", $"SELECT {shared}"))[^1]);
        Assert.StartsWith("c4 OK", (await b.CommandAsync("c4", "STORE 1 +FLAGS (\\Flagged)"))[^1]);
        Assert.StartsWith("c9 NO [NOPERM]", (await b.CommandAsync("c9", "STORE 1 +FLAGS (\\Seen)"))[^1]);
        await b.SendAsync("d0 FETCH 1 BODY[TEXT]\r\n");
        Assert.Contains("for the team", string.Join("\n", await b.ResponsesUntilTaggedAsync("d0")));
        await a.CommandAsync("a10", "SELECT Projects");
        Assert.Equal("* 1 FETCH (FLAGS (\\Flagged))", (await a.CommandAsync("a11", "FETCH 1 FLAGS"))[0]);
        await b.SendAsync("c5 IDLE\r\n");
        Assert.StartsWith("+", await b.LineAsync());
        await a.AppendAsync("a8", "Projects", ImapHost.Message("second", "more"));
        Assert.Equal("* 2 EXISTS", await b.LineAsync(TimeSpan.FromSeconds(10)));
        await b.SendAsync("DONE\r\n");
        Assert.StartsWith("c5 OK", (await b.UntilTaggedAsync("c5"))[^1]);

        // Narrowed to "l" (no "r"): reading is refused; revoked: the mailbox is gone for him.
        await a.CommandAsync("a9", $"SETACL Projects {bob} -rw");
        Assert.StartsWith("c6 NO [NOPERM]", (await b.CommandAsync("c6", "FETCH 2 FLAGS"))[^1]);
        await a.CommandAsync("d1", $"DELETEACL Projects {bob}");
        Assert.Equal("c7 NO [NONEXISTENT] No such mailbox", (await b.CommandAsync("c7", "FETCH 2 FLAGS"))[^1]);
        Assert.DoesNotContain(await b.CommandAsync("c8", "LIST \"\" \"*\""), l => l.Contains("Projects", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Anyone_negative_rights_and_the_errors_of_each_command()
    {
        var (owner, reader, barred) = (host.NewUser(), host.NewUser(), host.NewUser());
        await using var o = await host.LoggedInAsync(owner);
        await o.CommandAsync("a1", "CREATE Board");
        Assert.StartsWith("a2 OK", (await o.CommandAsync("a2", "SETACL Board anyone lr"))[^1]);
        Assert.StartsWith("a3 OK", (await o.CommandAsync("a3", $"SETACL Board -{barred} r"))[^1]);
        Assert.StartsWith("a4 OK", (await o.CommandAsync("a4", $"SETACL Board {reader} lrs"))[^1]);
        Assert.Equal($"* LISTRIGHTS Board {reader} \"\" l r s w i p k x t e a", (await o.CommandAsync("a5", $"LISTRIGHTS Board {reader}"))[0]);
        Assert.Equal($"* LISTRIGHTS Board {owner} lrswipkxtea", (await o.CommandAsync("a6", $"LISTRIGHTS Board {owner}"))[0]);

        Assert.StartsWith("e1 BAD", (await o.CommandAsync("e1", $"SETACL Board {reader} lrz"))[^1]);
        Assert.Equal("e2 NO [NONEXISTENT] No such user", (await o.CommandAsync("e2", "SETACL Board nosuchuser lr"))[^1]);
        Assert.StartsWith("e3 NO [CANNOT]", (await o.CommandAsync("e3", $"SETACL Board {owner} l"))[^1]);
        Assert.Equal("e4 NO [NONEXISTENT] No such mailbox", (await o.CommandAsync("e4", $"GETACL Nowhere"))[^1]);
        Assert.StartsWith("e5 BAD", (await o.CommandAsync("e5", "GETACL"))[^1]);
        await o.CommandAsync("n", "NOOP");

        await using var r = await host.LoggedInAsync(reader);
        Assert.Equal($"* MYRIGHTS Shared/{owner}/Board lrs", (await r.CommandAsync("r1", $"MYRIGHTS Shared/{owner}/Board"))[0]);
        await using var x = await host.LoggedInAsync(barred);
        Assert.Equal($"* MYRIGHTS Shared/{owner}/Board l", (await x.CommandAsync("x1", $"MYRIGHTS Shared/{owner}/Board"))[0]);
        Assert.StartsWith("x2 NO [NOPERM]", (await x.CommandAsync("x2", $"SELECT Shared/{owner}/Board"))[^1]);
    }

    [Fact]
    public async Task MailKit_grants_rights_and_the_grantee_reads_through_the_other_users_namespace()
    {
        var (owner, grantee) = (host.NewUser(), host.NewUser());
        using (var client = await host.ConnectAsync(owner))
        {
            Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Acl));
            var team = (await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Team", true))!;
            await team.AppendAsync(MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(Note))));
            await team.SetAccessRightsAsync(grantee, new AccessRights("lr"));
            var acl = await team.GetAccessControlListAsync();
            Assert.Contains(acl, e => e.Name == grantee && e.Rights.ToString() == "lr");
            await client.DisconnectAsync(true);
        }

        using var reader = await host.ConnectAsync(grantee);
        Assert.Equal("Shared", reader.OtherNamespaces[0].Path);
        var shared = await reader.GetFolderAsync($"Shared/{owner}/Team");
        await shared.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, shared.Count);
        Assert.Equal("team note", (await shared.GetMessageAsync(0)).Subject);
        Assert.Equal("lr", (await shared.GetMyAccessRightsAsync()).ToString());
        await reader.DisconnectAsync(true);
    }
}
