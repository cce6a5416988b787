using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267): searches and sorts kept up to date as the mailbox changes, answered as Dovecot 2.3 answers the same steps.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SearchContextTests(ImapHost host)
{
    [Fact]
    public async Task Updates_follow_deliveries_expunges_and_flag_changes_until_cancelled()
    {
        var user = host.NewUser();
        for (var i = 0; i < 3; i++)
        {
            await host.DeliverAsync(user, ImapHost.Message("s" + i));
        }

        await using var a = await host.LoggedInAsync(user);
        await using var b = await host.LoggedInAsync(user);
        Assert.Contains("CONTEXT=SEARCH", (await a.CommandAsync("a1", "CAPABILITY"))[0]);
        await a.CommandAsync("a2", "SELECT INBOX");
        await b.CommandAsync("b1", "SELECT INBOX");

        // As Dovecot: UPDATE alone returns no result data; with COUNT, the count.
        Assert.Equal(["* ESEARCH (TAG \"a3\")", "a3 OK SEARCH completed"], await a.CommandAsync("a3", "SEARCH RETURN (UPDATE) SUBJECT s"));
        Assert.Equal("* ESEARCH (TAG \"a4\") COUNT 0", (await a.CommandAsync("a4", "SEARCH RETURN (UPDATE COUNT) SUBJECT x"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a5\") UID MIN 1", (await a.CommandAsync("a5", "UID SEARCH RETURN (UPDATE MIN) UNSEEN"))[0]);

        // A delivery that matches: EXISTS, then ADDTO (sequence numbers for SEARCH, UIDs for UID SEARCH).
        await host.DeliverAsync(user, ImapHost.Message("s3"));
        await host.DeliverAsync(user, ImapHost.Message("x4"));
        var noop = await WaitForAsync(a, "a6", l => l.Contains("ADDTO", StringComparison.Ordinal) && l.Contains("\"a4\"", StringComparison.Ordinal));
        Assert.True(noop.IndexOf("* 5 EXISTS") < noop.IndexOf("* ESEARCH (TAG \"a3\") ADDTO (0 4)"), string.Join(" | ", noop));
        Assert.Contains("* ESEARCH (TAG \"a4\") ADDTO (0 5)", noop);
        Assert.Contains("* ESEARCH (TAG \"a5\") UID ADDTO (0 4:5)", noop);

        // Another session expunges message 2: REMOVEFROM comes before the EXPUNGE, numbered as before it.
        await b.CommandAsync("b2", "STORE 2 +FLAGS.SILENT (\\Deleted)");
        await b.CommandAsync("b4", "EXPUNGE");
        var expunged = await WaitForAsync(a, "a8", l => l == "* 2 EXPUNGE");
        Assert.True(expunged.IndexOf("* ESEARCH (TAG \"a3\") REMOVEFROM (0 2)") < expunged.IndexOf("* 2 EXPUNGE"), string.Join(" | ", expunged));
        Assert.Contains("* ESEARCH (TAG \"a5\") UID REMOVEFROM (0 2)", expunged);

        // A flag change takes a message out of UNSEEN.
        await b.CommandAsync("b4", "UID STORE 1 +FLAGS.SILENT (\\Seen)");
        Assert.Contains("* ESEARCH (TAG \"a5\") UID REMOVEFROM (0 1)", await WaitForAsync(a, "a8", l => l.Contains("REMOVEFROM (0 1)", StringComparison.Ordinal)));

        // Cancelled: no more updates for it; an unknown tag is NO.
        Assert.Equal("a9 OK CANCELUPDATE completed", (await a.CommandAsync("a9", "CANCELUPDATE \"a3\" \"a4\""))[^1]);
        Assert.StartsWith("b5 NO", (await a.CommandAsync("b5", "CANCELUPDATE \"a3\""))[^1]);
        await host.DeliverAsync(user, ImapHost.Message("s5"));
        var after = await WaitForAsync(a, "b6", l => l.Contains("UID ADDTO", StringComparison.Ordinal));
        Assert.DoesNotContain(after, l => l.Contains("\"a3\"", StringComparison.Ordinal) || l.Contains("\"a4\"", StringComparison.Ordinal));
        Assert.Contains("* ESEARCH (TAG \"a5\") UID ADDTO (0 6)", after);

        // They end with the selection.
        await a.CommandAsync("b7", "SELECT INBOX");
        await host.DeliverAsync(user, ImapHost.Message("s6"));
        Assert.DoesNotContain(await WaitForAsync(a, "b8", l => l.EndsWith(" EXISTS", StringComparison.Ordinal)), l => l.StartsWith("* ESEARCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sort_kept_up_to_date_tells_where_messages_join_and_leave_its_order()
    {
        var user = host.NewUser();
        foreach (var subject in new[] { "b", "d", "f" })
        {
            await host.DeliverAsync(user, ImapHost.Message(subject));
        }

        await using var a = await host.LoggedInAsync(user);
        await using var b = await host.LoggedInAsync(user);
        Assert.Contains("CONTEXT=SORT", (await a.CommandAsync("a1", "CAPABILITY"))[0]);
        await a.CommandAsync("a2", "SELECT INBOX");
        await b.CommandAsync("b1", "SELECT INBOX");
        Assert.Equal("* ESEARCH (TAG \"a3\") UID ALL 3,2,1", (await a.CommandAsync("a3", "UID SORT RETURN (UPDATE ALL) (REVERSE SUBJECT) UTF-8 UNDELETED"))[0]);
        Assert.Equal("* ESEARCH (TAG \"a4\") ALL 1:3", (await a.CommandAsync("a4", "SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 ALL"))[0]);

        // "c" sorts between "b" and "d": second in ascending order, third in descending (f, d, c, b).
        await host.DeliverAsync(user, ImapHost.Message("c"));
        var arrived = await WaitForAsync(a, "a5", l => l.Contains("\"a4\") ADDTO", StringComparison.Ordinal));
        Assert.Contains("* ESEARCH (TAG \"a3\") UID ADDTO (3 4)", arrived);
        Assert.Contains("* ESEARCH (TAG \"a4\") ADDTO (2 4)", arrived);

        // Deleted messages leave UNDELETED where they stand (the sort by SUBJECT keeps them): d second, then c second.
        await b.CommandAsync("b2", "UID STORE 2 +FLAGS.SILENT (\\Deleted)");
        var deleted = await WaitForAsync(a, "a6", l => l.Contains("REMOVEFROM", StringComparison.Ordinal));
        Assert.Contains("* ESEARCH (TAG \"a3\") UID REMOVEFROM (2 2)", deleted);
        Assert.DoesNotContain(deleted, l => l.Contains("\"a4\"", StringComparison.Ordinal));
        await b.CommandAsync("b3", "UID STORE 4 +FLAGS.SILENT (\\Deleted)");
        Assert.Contains("* ESEARCH (TAG \"a3\") UID REMOVEFROM (2 4)", await WaitForAsync(a, "a7", l => l.Contains("REMOVEFROM", StringComparison.Ordinal)));

        // Expunged: the sort by SUBJECT loses them (b, [c], [d], f → positions 2 and 3), by sequence number before the EXPUNGE.
        await b.CommandAsync("b4", "EXPUNGE");
        var expunged = await WaitForAsync(a, "a8", l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));
        Assert.Contains("* ESEARCH (TAG \"a4\") REMOVEFROM (2 4,2)", expunged);
        Assert.True(expunged.IndexOf("* ESEARCH (TAG \"a4\") REMOVEFROM (2 4,2)") < expunged.FindIndex(l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal)), string.Join(" | ", expunged));
        Assert.Equal(["* ESEARCH (TAG \"a9\") UID ALL 3,1", "a9 OK UID SORT completed"], await a.CommandAsync("a9", "UID SORT RETURN (ALL) (REVERSE SUBJECT) UTF-8 UNDELETED"));

        Assert.Equal("b5 OK CANCELUPDATE completed", (await a.CommandAsync("b5", "CANCELUPDATE \"a3\" \"a4\""))[^1]);
        await host.DeliverAsync(user, ImapHost.Message("a"));
        Assert.DoesNotContain(await WaitForAsync(a, "b6", l => l.EndsWith(" EXISTS", StringComparison.Ordinal)), l => l.StartsWith("* ESEARCH", StringComparison.Ordinal));
    }

    /// <summary>NOOP until a line matching <paramref name="seen"/> arrives (notifications take a moment); every line of the NOOP that brought it.</summary>
    private static async Task<List<string>> WaitForAsync(OrleansMail.Testing.ImapTranscript t, string tag, Func<string, bool> seen)
    {
        for (var i = 0; ; i++)
        {
            var lines = await t.CommandAsync($"{tag}{i}", "NOOP");
            if (lines.Any(seen) || i == 50)
            {
                return lines;
            }

            await Task.Delay(100);
        }
    }
}
