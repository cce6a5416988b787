using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>Odd corners a conformance suite tries, each from the RFC's text: names, mod-sequences, subscriptions, flag announcements.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class ConformanceTests(ImapHost host)
{
    [Fact]
    public async Task A_name_that_is_not_modified_utf7_names_no_mailbox_and_matches_nothing()
    {
        // RFC 3501 §5.1.3: such a name cannot exist, so using it is NO (not BAD), and a pattern with it matches nothing.
        await using var t = await host.LoggedInAsync(host.NewUser());
        Assert.Equal("a1 NO [NONEXISTENT] Mailbox name is not valid modified UTF-7", (await t.CommandAsync("a1", "SELECT &AAA"))[^1]);
        Assert.Equal("a2 NO [NONEXISTENT] Mailbox name is not valid modified UTF-7", (await t.CommandAsync("a2", "EXAMINE \"&Jjo!\""))[^1]);
        Assert.Equal("a3 NO [NONEXISTENT] Mailbox name is not valid modified UTF-7", (await t.CommandAsync("a3", "STATUS &AAA (MESSAGES)"))[^1]);
        Assert.Equal("a4 NO [CANNOT] Mailbox name is not valid modified UTF-7", (await t.CommandAsync("a4", "CREATE &AAA"))[^1]);
        Assert.Equal(["a5 OK LIST completed"], await t.CommandAsync("a5", "LIST \"\" &AAA"));
        Assert.Equal(["a6 OK LIST completed"], await t.CommandAsync("a6", "LIST &AAA *"));
        Assert.Equal("a7 OK [READ-WRITE] SELECT completed", (await t.CommandAsync("a7", "SELECT INBOX"))[^1]);
        Assert.Equal("a8 NO [NONEXISTENT] Mailbox name is not valid modified UTF-7", (await t.CommandAsync("a8", "COPY 1:* &AAA"))[^1]);
    }

    [Fact]
    public async Task The_first_implicit_condstore_command_while_selected_tells_the_highest_modseq()
    {
        // RFC 7162 §3.1: a client that enables CONDSTORE by using it learns where the mailbox stands, once.
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("one"));
        await using var t = await host.LoggedInAsync(user);
        var select = await t.CommandAsync("a1", "SELECT INBOX");
        var highest = Assert.Single(select, l => l.StartsWith("* OK [HIGHESTMODSEQ ", StringComparison.Ordinal));
        var first = await t.CommandAsync("a2", "FETCH 1 (MODSEQ)");
        Assert.Contains(highest, first);
        Assert.True(first.IndexOf(highest) < first.Count - 1);
        Assert.DoesNotContain(await t.CommandAsync("a3", "FETCH 1 (MODSEQ)"), l => l.StartsWith("* OK [HIGHESTMODSEQ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Esearch_min_and_max_report_the_modseq_of_the_messages_they_return()
    {
        // RFC 7162 §3.1.5 with RFC 4731: MODSEQ is the highest mod-sequence of the messages returned, not of all found.
        var user = host.NewUser();
        for (var i = 0; i < 3; i++)
        {
            await host.DeliverAsync(user, ImapHost.Message("m" + i));
        }

        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");
        await t.CommandAsync("a2", "STORE 2 +FLAGS (\\Flagged)"); // the middle message now has the highest modseq
        var modSeqs = (await t.CommandAsync("a3", "FETCH 1:3 (MODSEQ)")).SkipLast(1)
            .Where(l => l.Contains(" FETCH ", StringComparison.Ordinal))
            .Select(l => ulong.Parse(l[(l.IndexOf("MODSEQ (", StringComparison.Ordinal) + 8)..l.IndexOf(')', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(3, modSeqs.Count);
        Assert.Equal($"* ESEARCH (TAG \"a4\") UID MIN 1 MODSEQ {modSeqs[0]}", (await t.CommandAsync("a4", "UID SEARCH RETURN (MIN) MODSEQ 1"))[0]);
        Assert.Equal($"* ESEARCH (TAG \"a5\") UID MAX 3 MODSEQ {modSeqs[2]}", (await t.CommandAsync("a5", "UID SEARCH RETURN (MAX) MODSEQ 1"))[0]);
        Assert.Equal($"* ESEARCH (TAG \"a6\") UID MIN 1 MAX 3 MODSEQ {Math.Max(modSeqs[0], modSeqs[2])}", (await t.CommandAsync("a6", "UID SEARCH RETURN (MIN MAX) MODSEQ 1"))[0]);
        Assert.Equal($"* ESEARCH (TAG \"a7\") UID MIN 1 COUNT 3 MODSEQ {modSeqs.Max()}", (await t.CommandAsync("a7", "UID SEARCH RETURN (MIN COUNT) MODSEQ 1"))[0]);
    }

    [Fact]
    public async Task Subscriptions_outlive_their_mailboxes_and_list_as_nonexistent()
    {
        // RFC 3501 §6.3.6 keeps a subscription when its mailbox goes; RFC 5258 §3.1 lists it with \NonExistent.
        await using var t = await host.LoggedInAsync(host.NewUser());
        await t.CommandAsync("a1", "CREATE Gone");
        await t.CommandAsync("a2", "SUBSCRIBE Gone");
        await t.CommandAsync("a3", "DELETE Gone");
        var list = await t.CommandAsync("a4", "LIST (SUBSCRIBED) \"\" Gone");
        var line = Assert.Single(list, l => l.StartsWith("* LIST", StringComparison.Ordinal));
        Assert.Matches(@"^\* LIST \((?=.*\\NonExistent)(?=.*\\Subscribed)[^)]*\) ""/"" Gone$", line);
        Assert.Equal(["* LSUB () \"/\" Gone", "a5 OK LSUB completed"], await t.CommandAsync("a5", "LSUB \"\" Gone"));
        Assert.DoesNotContain(await t.CommandAsync("a6", "LIST \"\" *"), l => l.EndsWith(" Gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recursivematch_gives_childinfo_only_to_a_parent_that_is_not_itself_subscribed()
    {
        await using var t = await host.LoggedInAsync(host.NewUser());
        await t.CommandAsync("a1", "CREATE Parent/Child");
        await t.CommandAsync("a2", "SUBSCRIBE Parent/Child");
        var before = await t.CommandAsync("a3", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" Parent");
        Assert.Equal("* LIST (\\HasChildren) \"/\" Parent (\"CHILDINFO\" (\"SUBSCRIBED\"))", Assert.Single(before, l => l.StartsWith("* LIST", StringComparison.Ordinal)));
        await t.CommandAsync("a4", "SUBSCRIBE Parent");
        var after = await t.CommandAsync("a5", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" Parent");
        Assert.Equal("* LIST (\\HasChildren \\Subscribed) \"/\" Parent", Assert.Single(after, l => l.StartsWith("* LIST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Lsub_percent_lists_an_unsubscribed_parent_of_a_subscribed_child_as_noselect()
    {
        // RFC 3501 §6.3.9's own example: "news/comp/mail/misc" subscribed, LSUB "news/%" returns news/comp \Noselect.
        await using var t = await host.LoggedInAsync(host.NewUser());
        await t.CommandAsync("a1", "CREATE news/comp/mail/misc");
        await t.CommandAsync("a2", "SUBSCRIBE news/comp/mail/misc");
        Assert.Equal(["* LSUB (\\Noselect) \"/\" news/comp", "a3 OK LSUB completed"], await t.CommandAsync("a3", "LSUB \"\" news/%"));
        Assert.Equal(["* LSUB () \"/\" news/comp/mail/misc", "a4 OK LSUB completed"], await t.CommandAsync("a4", "LSUB \"\" news/*"));
    }

    [Fact]
    public async Task A_keyword_new_to_the_mailbox_is_announced_in_flags_before_any_fetch_carries_it()
    {
        // RFC 3501 §7.2.6: every session with the mailbox selected hears the new FLAGS first.
        var user = host.NewUser();
        await host.DeliverAsync(user, ImapHost.Message("one"));
        await using var a = await host.LoggedInAsync(user);
        await using var b = await host.LoggedInAsync(user);
        await a.CommandAsync("a1", "SELECT INBOX");
        await b.CommandAsync("b1", "SELECT INBOX");
        var stored = await a.CommandAsync("a2", "STORE 1 +FLAGS ($Project)");
        AssertAnnouncedBeforeFetch(stored);
        var noop = await b.CommandAsync("b2", "NOOP");
        AssertAnnouncedBeforeFetch(noop);
        Assert.DoesNotContain(await a.CommandAsync("a3", "STORE 1 +FLAGS ($Project)"), l => l.StartsWith("* FLAGS", StringComparison.Ordinal));

        static void AssertAnnouncedBeforeFetch(IReadOnlyList<string> lines)
        {
            var flags = lines.ToList().FindIndex(l => l.StartsWith("* FLAGS (", StringComparison.Ordinal) && l.Contains("$Project", StringComparison.Ordinal));
            var permanent = lines.ToList().FindIndex(l => l.StartsWith("* OK [PERMANENTFLAGS (", StringComparison.Ordinal) && l.Contains("$Project", StringComparison.Ordinal));
            var fetch = lines.ToList().FindIndex(l => l.Contains(" FETCH ", StringComparison.Ordinal) && l.Contains("$Project", StringComparison.Ordinal));
            Assert.True(flags >= 0 && permanent > flags && fetch > permanent, string.Join(" | ", lines));
        }
    }
}
