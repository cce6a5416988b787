using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>IMAP4rev2 (RFC 9051) beside IMAP4rev1: after ENABLE IMAP4rev2 its differences hold for that session only.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class Imap4Rev2Tests(ImapHost host)
{
    [Fact]
    public async Task An_imap4rev2_session_sees_no_recent_gets_esearch_utf8_names_and_deleted_counts()
    {
        var user = host.NewUser();
        for (var i = 0; i < 3; i++)
        {
            await host.DeliverAsync(user, ImapHost.Message("rev2 " + i));
        }

        await using var t = await host.LoggedInAsync(user);
        Assert.Contains("IMAP4rev1 IMAP4rev2 ", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        Assert.Equal("* ENABLED IMAP4rev2", (await t.CommandAsync("a2", "ENABLE IMAP4rev2"))[0]);
        var select = await t.CommandAsync("a3", "SELECT INBOX");
        Assert.Contains("* 3 EXISTS", select);
        Assert.DoesNotContain(select, l => l.EndsWith(" RECENT", StringComparison.Ordinal) || l.Contains("\\Recent", StringComparison.Ordinal));
        Assert.Equal("* 1 FETCH (FLAGS ())", (await t.CommandAsync("a4", "FETCH 1 FLAGS"))[0]);

        // RFC 9051 §6.4.4: SEARCH is answered with ESEARCH.
        Assert.Equal("* ESEARCH (TAG \"a5\") ALL 1:3", (await t.CommandAsync("a5", "SEARCH ALL"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a6\") UID", (await t.CommandAsync("a6", "UID SEARCH SUBJECT nothing-like-it"))[0]);

        await t.CommandAsync("a7", "STORE 2 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("* STATUS INBOX (MESSAGES 3 DELETED 1)", (await t.CommandAsync("a8", "STATUS INBOX (MESSAGES DELETED)"))[0]);
        Assert.StartsWith("a9 OK", (await t.CommandAsync("a9", "CREATE \"Brouillons d'été\""))[^1]);
        await t.SendAsync("b1 LIST \"\" *\r\n");
        Assert.Contains(await t.ResponsesUntilTaggedAsync("b1"), r => r.Contains("Brouillons d'été", StringComparison.Ordinal));

        // Reselecting: where the old mailbox's responses end (RFC 9051 §6.3.2).
        Assert.Contains("* OK [CLOSED] Previous mailbox closed", await t.CommandAsync("b2", "SELECT INBOX"));

        // A rev1 session of the same user is untouched: it still gets \Recent, SEARCH and modified UTF-7.
        await using var rev1 = await host.LoggedInAsync(user);
        var rev1Select = await rev1.CommandAsync("c1", "SELECT INBOX");
        Assert.Contains("* 3 RECENT", rev1Select);
        Assert.Equal("* SEARCH 1 2 3", (await rev1.CommandAsync("c2", "SEARCH ALL"))[0]);
        Assert.Contains(await rev1.CommandAsync("c3", "LIST \"\" *"), l => l.Contains("Brouillons d'&AOk-t&AOk-", StringComparison.Ordinal));
    }
}
