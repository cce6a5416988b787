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
        Assert.Contains($"* LIST (\\Noselect \\HasChildren) \"/\" Shared/{alice}", list);
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
    public async Task List_returns_myrights_for_each_mailbox_listed()
    {
        var (alice, bob) = (host.NewUser(), host.NewUser());
        await using var a = await host.LoggedInAsync(alice);
        await using var b = await host.LoggedInAsync(bob);
        await a.CommandAsync("a1", "CREATE Projects");
        await a.CommandAsync("a2", $"SETACL Projects {bob} lrs");
        Assert.Contains(" LIST-MYRIGHTS", (await b.CommandAsync("b0", "CAPABILITY"))[0]);

        // RFC 8440 §3: each MYRIGHTS after its mailbox's LIST; none for a name that is no mailbox.
        var list = await b.CommandAsync("b1", "LIST \"\" (INBOX Shared/*) RETURN (MYRIGHTS)");
        var mine = list.IndexOf("* MYRIGHTS INBOX lrswipkxteacd");
        Assert.True(mine > 0 && list[mine - 1].EndsWith("\"/\" INBOX", StringComparison.Ordinal), string.Join("\n", list));
        var shared = list.IndexOf($"* MYRIGHTS Shared/{alice}/Projects lrs");
        Assert.True(shared > 0 && list[shared - 1].EndsWith($"Shared/{alice}/Projects", StringComparison.Ordinal), string.Join("\n", list));
        Assert.DoesNotContain(list, l => l == $"* MYRIGHTS Shared/{alice}" || l.StartsWith("* MYRIGHTS Shared ", StringComparison.Ordinal));
        Assert.Equal("b1 OK LIST completed", list[^1]);
    }

    [Fact]
    public async Task A_shared_name_reaches_only_users_of_the_directory_by_their_canonical_id()
    {
        var (alice, bob) = (host.NewUser(), host.NewUser());
        await using var a = await host.LoggedInAsync(alice);
        await using var b = await host.LoggedInAsync(bob);
        await a.CommandAsync("a1", "CREATE Projects");
        await a.CommandAsync("a2", $"SETACL Projects {bob} lr");

        // A made-up owner is no mailbox, for every command that names one, and its name activates no grain (whose
        // lease would be written to the store).
        var ghost = "ghost" + Guid.NewGuid().ToString("N")[..8];
        foreach (var command in new[] { $"SELECT Shared/{ghost}/INBOX", $"STATUS Shared/{ghost}/INBOX (MESSAGES)", $"MYRIGHTS Shared/{ghost}/INBOX", $"GETACL Shared/{ghost}/INBOX" })
        {
            Assert.Equal("b NO [NONEXISTENT] No such mailbox", (await b.CommandAsync("b", command))[^1]);
        }

        Assert.Equal("b1 OK NOTIFY completed", (await b.CommandAsync("b1", $"NOTIFY SET (subtree Shared/{ghost} (MessageNew MessageExpunge))"))[^1]);
        Assert.Empty((await host.Store.ListAsync($"users/{ObjectStore.Layout.UserObjectNames.For(ghost).User}/")).Items);

        // The owner's name in any case is the owner's canonical id: one grain, one store.
        Assert.StartsWith("b2 OK", (await b.CommandAsync("b2", $"SELECT Shared/{alice.ToUpperInvariant()}/Projects"))[^1]);
        Assert.Empty((await host.Store.ListAsync($"users/{ObjectStore.Layout.UserObjectNames.For(alice.ToUpperInvariant()).User}/")).Items);
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

    [Fact]
    public async Task Copy_and_move_between_a_shared_mailbox_and_the_users_own_write_the_message_again_for_its_new_owner()
    {
        var (owner, member) = (host.NewUser(), host.NewUser());
        await using var o = await host.LoggedInAsync(owner);
        await o.CommandAsync("a1", "CREATE Team");
        await o.CommandAsync("a2", "CREATE Drop");
        await o.AppendAsync("a3", "Team", Note);
        await o.CommandAsync("a4", $"SETACL Team {member} lr");
        await o.CommandAsync("a5", $"SETACL Drop {member} lri");

        await using var m = await host.LoggedInAsync(member);
        await m.CommandAsync("b1", $"SELECT Shared/{owner}/Team");
        var copy = await m.CommandAsync("b2", "COPY 1 INBOX");
        Assert.Matches(@"^b2 OK \[COPYUID \d+ 1 1\] COPY completed$", copy[^1]);
        Assert.StartsWith("b3 NO [READ-ONLY]", (await m.CommandAsync("b3", "MOVE 1 INBOX"))[^1]); // "lr": nothing may go
        Assert.Equal("* STATUS INBOX (MESSAGES 1)", (await m.CommandAsync("b4", "STATUS INBOX (MESSAGES)"))[0]);
        await m.SendAsync("b5 UID FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]\r\n");
        Assert.Contains("team note", string.Join("\n", await m.ResponsesUntilTaggedAsync("b5")));

        // From the member's own INBOX into the owner's Drop ("i"), and not into Team (no "i").
        await m.CommandAsync("c1", "SELECT INBOX");
        Assert.StartsWith("c2 NO [NOPERM]", (await m.CommandAsync("c2", $"COPY 1 Shared/{owner}/Team"))[^1]);
        Assert.StartsWith("c3 OK", (await m.CommandAsync("c3", $"MOVE 1 Shared/{owner}/Drop"))[^1]);
        Assert.Equal("* STATUS INBOX (MESSAGES 0)", (await m.CommandAsync("c4", "STATUS INBOX (MESSAGES)"))[0]);
        Assert.Equal("* STATUS Drop (MESSAGES 1)", (await o.CommandAsync("a6", "STATUS Drop (MESSAGES)"))[0]);
        Assert.Equal("* STATUS Team (MESSAGES 1)", (await o.CommandAsync("a7", "STATUS Team (MESSAGES)"))[0]);
    }

    [Fact]
    public async Task Each_reader_of_a_shared_mailbox_has_its_own_seen_and_the_owners_stays_its_own()
    {
        var (owner, bob, carol) = (host.NewUser(), host.NewUser(), host.NewUser());
        var team = $"Shared/{owner}/Team";
        await using var o = await host.LoggedInAsync(owner);
        await o.CommandAsync("a1", "CREATE Team");
        await o.AppendAsync("a2", "Team", Note);
        await o.AppendAsync("a3", "Team", ImapHost.Message("second", "two"));
        await o.CommandAsync("a4", $"SETACL Team {bob} lrswt");
        await o.CommandAsync("a5", $"SETACL Team {carol} lrs");

        await using (var b = await host.LoggedInAsync(bob))
        {
            await b.CommandAsync("b1", $"SELECT {team}");
            await b.SendAsync("b2 FETCH 1 BODY[TEXT]\r\n");
            Assert.Contains("FLAGS (\\Seen \\Recent)", string.Join("\n", await b.ResponsesUntilTaggedAsync("b2"))); // bob's SELECT was the first
            Assert.Equal("* 2 FETCH (FLAGS (\\Seen \\Flagged \\Recent))", (await b.CommandAsync("b3", "STORE 2 FLAGS (\\Seen \\Flagged)"))[0]);
            Assert.Equal("* SEARCH 1 2", (await b.CommandAsync("b4", "SEARCH SEEN"))[0]);
            await b.CommandAsync("b5", "STORE 1 +FLAGS (\\Deleted)");
            Assert.Equal("b6 OK CLOSE completed", (await b.CommandAsync("b6", "CLOSE"))[^1]); // without "e": closes, expunges nothing
        }

        // Carol and the owner read the same messages unread; the owner sees bob's \Flagged (flags other than \Seen are shared).
        await using var c = await host.LoggedInAsync(carol);
        var select = await c.CommandAsync("c1", $"SELECT {team}");
        Assert.Contains("* OK [UNSEEN 1] First unseen", select);
        Assert.Equal("* SEARCH", (await c.CommandAsync("c2", "SEARCH SEEN"))[0]);
        Assert.Equal($"* STATUS {team} (UNSEEN 2)", (await c.CommandAsync("c2b", $"STATUS {team} (UNSEEN)"))[0]);
        Assert.Contains($"* STATUS {team} (UNSEEN 2)", await c.CommandAsync("c2c", $"LIST \"\" \"Shared/*\" RETURN (STATUS (UNSEEN))"));
        await o.CommandAsync("a6", "SELECT Team");
        var ownerFlags = await o.CommandAsync("a7", "FETCH 1:2 FLAGS");
        Assert.Equal("* 1 FETCH (FLAGS (\\Deleted))", ownerFlags[0]); // bob's \Deleted is shared; his CLOSE expunged nothing
        Assert.Equal("* 2 FETCH (FLAGS (\\Flagged))", ownerFlags[1]);

        // The owner reading a message does not make it read for a reader either.
        await o.CommandAsync("a8", "STORE 2 +FLAGS (\\Seen)");
        Assert.Equal("* 2 FETCH (FLAGS (\\Flagged))", (await c.CommandAsync("c3", "FETCH 2 FLAGS"))[0]);

        // Bob's \Seen outlives his session; taking it back works.
        await using var again = await host.LoggedInAsync(bob);
        Assert.Equal($"* STATUS {team} (UNSEEN 0)", (await again.CommandAsync("d0", $"STATUS {team} (UNSEEN)"))[0]);
        Assert.Contains($"* STATUS {team} (UNSEEN 0)", await again.CommandAsync("d0b", $"LIST \"\" \"Shared/*\" RETURN (STATUS (UNSEEN))"));
        await again.CommandAsync("d1", $"SELECT {team}");
        Assert.Equal("* SEARCH 1 2", (await again.CommandAsync("d2", "SEARCH SEEN"))[0]);
        Assert.Equal("* 1 FETCH (FLAGS (\\Deleted))", (await again.CommandAsync("d3", "STORE 1 -FLAGS (\\Seen)"))[0]);
        Assert.Equal("* SEARCH 2", (await again.CommandAsync("d4", "SEARCH SEEN"))[0]);
    }
}
