using System.Text;
using FsCheck;
using FsCheck.Fluent;
using OrleansMail.Fuzz.Targets;
using OrleansMail.Imap.Protocol;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.Imap.Protocol.Search;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// The IMAP grammar without a server: commands from the RFCs' examples become typed requests with every argument
/// in place; what breaks the grammar is a syntax error with a reason (a BAD), and nothing else is ever thrown.
/// </summary>
public sealed class RequestParserTests
{
    private static ImapRequest Parse(string line)
    {
        var results = ImapParserDriver.Feed(new ImapCommandParser(new ImapParserLimits()), Encoding.UTF8.GetBytes(line + "\r\n"), chunk: 4096, segmentLength: 4096);
        var command = Assert.Single(results).Command;
        Assert.NotNull(command);
        return ImapRequestParser.Parse(command!);
    }

    [Fact]
    public void Notify_set_reads_filters_mailboxes_events_and_new_message_items_and_keeps_unknown_events_for_badevent()
    {
        var set = Assert.IsType<NotifyRequest>(Parse("a NOTIFY SET STATUS (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (FROM)]) MessageExpunge)) (subtree (Lists &AOQ-) (MessageNew MessageExpunge)) (mailboxes INBOX NONE)"));
        Assert.True(set.Status);
        Assert.Equal([NotifyFilter.Selected, NotifyFilter.Subtree, NotifyFilter.Mailboxes], set.Groups.Select(g => g.Filter));
        Assert.Equal(2, set.Groups[0].NewMessageItems.Count);
        Assert.Equal(["Lists", "ä"], set.Groups[1].Mailboxes);
        Assert.Equal(NotifyEvents.None, set.Groups[2].Events);
        Assert.Empty(set.UnknownEvents);

        var unknown = Assert.IsType<NotifyRequest>(Parse("a NOTIFY SET (personal (MessageNew MessageExpunge AnnotationChange Whatever))"));
        Assert.Equal(["AnnotationChange", "Whatever"], unknown.UnknownEvents);
        Assert.True(Assert.IsType<NotifyRequest>(Parse("a NOTIFY NONE")).None);
        Assert.Throws<ImapSyntaxException>(() => Parse("a NOTIFY NONE extra"));
        Assert.Throws<ImapSyntaxException>(() => Parse("a NOTIFY SET (inboxes (FlagChange))"));
    }

    [Fact]
    public void Metadata_commands_take_their_options_before_or_after_the_mailbox_and_values_of_every_kind()
    {
        // RFC 5464 §4.2.1's order, and MailKit's (after the mailbox).
        var before = Assert.IsType<GetMetadataRequest>(Parse("a GETMETADATA (MAXSIZE 1024 DEPTH infinity) \"\" (/Shared/Comment /private/vendor/x)"));
        Assert.Equal("", before.Mailbox);
        Assert.Equal(["/shared/comment", "/private/vendor/x"], before.Entries);
        Assert.Equal(1024, before.MaxSize);
        Assert.Equal(int.MaxValue, before.Depth);
        var after = Assert.IsType<GetMetadataRequest>(Parse("a GETMETADATA INBOX (DEPTH 1) (/private/comment)"));
        Assert.Equal(("INBOX", 1, (long?)null), (after.Mailbox, after.Depth, after.MaxSize));
        Assert.Equal(0, Assert.IsType<GetMetadataRequest>(Parse("a GETMETADATA INBOX /private/comment")).Depth);

        var set = Assert.IsType<SetMetadataRequest>(Parse("a SETMETADATA INBOX (/private/comment \"x y\" /shared/comment NIL /private/vendor/m word)"));
        Assert.Equal(["/private/comment", "/shared/comment", "/private/vendor/m"], set.Entries.Select(e => e.Entry));
        Assert.Equal("x y", Encoding.UTF8.GetString(set.Entries[0].Value!));
        Assert.Null(set.Entries[1].Value);
        Assert.Equal("word", Encoding.UTF8.GetString(set.Entries[2].Value!));

        foreach (var bad in new[] { "a GETMETADATA INBOX", "a GETMETADATA (DEPTH 2) INBOX /shared/x", "a GETMETADATA (MAXSIZE) INBOX /shared/x", "a SETMETADATA INBOX /shared/x", "a SETMETADATA INBOX (/shared/x (a))", "a GETMETADATA INBOX /shared/" + new string('x', 1100) })
        {
            Assert.Throws<ImapSyntaxException>(() => Parse(bad));
        }
    }

    [Fact]
    public void Fetch_items_macros_sections_and_modifiers_are_typed()
    {
        // RFC 3501 §6.4.5's example, and RFC 7162 §3.1.4's CHANGEDSINCE.
        var fetch = Assert.IsType<FetchRequest>(Parse("A654 UID FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)]<0.100>) (CHANGEDSINCE 12345)"));
        Assert.True(fetch.Uid);
        Assert.Equal("2:4", fetch.Set.ToString());
        Assert.Equal(12345UL, fetch.ChangedSince);
        var section = Assert.Single(fetch.Items, i => i.Kind == FetchKind.Section);
        Assert.Equal(SectionText.HeaderFields, section.Text);
        Assert.Equal(["DATE", "FROM"], section.Fields);
        Assert.Equal(0L, section.PartialOffset);
        Assert.Equal(100L, section.PartialLength);
        Assert.Contains(Assert.IsType<FetchRequest>(Parse("a FETCH 1 FAST")).Items, i => i.Kind == FetchKind.InternalDate);
    }

    [Fact]
    public void Store_carries_operation_silence_flags_and_unchangedsince()
    {
        // RFC 7162 §3.1.3's example.
        var store = Assert.IsType<StoreRequest>(Parse("d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted $Junk)"));
        Assert.Equal(FlagOperation.Add, store.Operation);
        Assert.True(store.Silent);
        Assert.Equal(MessageFlags.Deleted, store.Flags);
        Assert.Equal(["$Junk"], store.Keywords);
        Assert.Equal(320162338UL, store.UnchangedSince);
        Assert.Null(Assert.IsType<StoreRequest>(Parse("a STORE 1 FLAGS \\Seen")).UnchangedSince);
    }

    [Fact]
    public void Search_programs_become_trees()
    {
        // RFC 3501 §6.4.4 and RFC 4731's RETURN.
        var search = Assert.IsType<SearchRequest>(Parse("A283 UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR FROM alice NOT (SEEN LARGER 1000) UID 1:4294967295"));
        Assert.True(search.Uid);
        Assert.Equal(new HashSet<string> { "MIN", "COUNT" }, search.Return);
        Assert.Equal("UTF-8", search.Charset);
        var and = Assert.IsType<SearchKey.And>(search.Program);
        var or = Assert.IsType<SearchKey.Or>(and.Keys[0]);
        Assert.Equal(new SearchKey.Address(AddressField.From, "alice"), or.Left);
        Assert.IsType<SearchKey.Not>(or.Right);
        var uids = Assert.IsType<SearchKey.Numbers>(and.Keys[1]);
        Assert.True(uids.ByUid);
        Assert.Equal([(1u, uint.MaxValue)], uids.Values.Resolve(uint.MaxValue));
    }

    [Fact]
    public void Fuzzy_wraps_a_key_and_relevancy_brings_all_along()
    {
        // RFC 6203 §3 and §4.
        var search = Assert.IsType<SearchRequest>(Parse("MYTAG1 SEARCH RETURN (RELEVANCY) FUZZY (SUBJECT \"Hello world\") NOT FUZZY BODY x"));
        Assert.Equal(new HashSet<string> { "RELEVANCY", "ALL" }, search.Return);
        var and = Assert.IsType<SearchKey.And>(search.Program);
        Assert.Equal(new SearchKey.Fuzzy(new SearchKey.Subject("Hello world")), and.Keys[0]);
        Assert.Equal(new SearchKey.Not(new SearchKey.Fuzzy(new SearchKey.Text("x", false))), and.Keys[1]);
        Assert.Throws<ImapSyntaxException>(() => Parse("a SEARCH FUZZY"));
        Assert.Throws<ImapSyntaxException>(() => Parse("a SORT RETURN (RELEVANCY) (DATE) UTF-8 ALL"));
    }

    [Fact]
    public void List_options_select_and_return_are_typed()
    {
        // RFC 5258 §6 and RFC 5819 examples.
        var list = Assert.IsType<ListRequest>(Parse("A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"%\" \"Other/*\") RETURN (CHILDREN STATUS (MESSAGES UIDNEXT))"));
        Assert.True(list.SelectSubscribed);
        Assert.True(list.RecursiveMatch);
        Assert.True(list.ReturnChildren);
        Assert.Equal(["%", "Other/*"], list.Patterns);
        Assert.Equal(["MESSAGES", "UIDNEXT"], list.ReturnStatus);
        var lsub = Assert.IsType<ListRequest>(Parse("a LSUB \"\" *"));
        Assert.True(lsub.Lsub);
        Assert.True(lsub.SelectSubscribed);
    }

    [Fact]
    public void Select_takes_condstore_and_qresync_parameters()
    {
        // RFC 7162 §3.2.5.1's example.
        var select = Assert.IsType<SelectRequest>(Parse("A03 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))"));
        Assert.False(select.ReadOnly);
        Assert.Equal(MailboxName.Inbox, select.Mailbox);
        Assert.Equal(67890007u, select.Qresync!.UidValidity);
        Assert.Equal(20050715194045000UL, select.Qresync.ModSeq);
        Assert.True(select.Qresync.KnownUids!.Contains(43));
        Assert.True(Assert.IsType<SelectRequest>(Parse("a EXAMINE inbox (CONDSTORE)")).CondStore);
    }

    [Fact]
    public void Mailbox_names_are_decoded_and_normalized()
    {
        // RFC 3501 §5.1.3's example: "~peter/mail/日本語/台北".
        var create = Assert.IsType<CreateRequest>(Parse("a CREATE ~peter/mail/&U,BTFw-/&ZeVnLIqe-/"));
        Assert.Equal("~peter/mail/台北/日本語", create.Mailbox);
        Assert.Equal("\\Sent", Assert.IsType<CreateRequest>(Parse("a CREATE Sent (USE (\\Sent))")).UseAttribute);
        var rename = Assert.IsType<RenameRequest>(Parse("a RENAME inbox Archive"));
        Assert.Equal(MailboxName.Inbox, rename.From);
        Assert.False(rename.HasInvalidMailboxName);

        // Not modified UTF-7: no grammar error (the session answers NO: no such mailbox), but marked as such.
        Assert.True(Parse("a SELECT &Jjo!").HasInvalidMailboxName);
        Assert.True(Parse("a COPY 1 &AAA").HasInvalidMailboxName);
    }

    [Theory]
    [InlineData("a FETCH 1")]
    [InlineData("a FETCH 1 (FLAGS) (VANISHED)")]
    [InlineData("a UID FETCH 1 (FLAGS) (CHANGEDSINCE 1 BOGUS)")]
    [InlineData("a STORE 1 FLAGS (\\Recent)")]
    [InlineData("a STORE 1 ADDFLAGS (\\Seen)")]
    [InlineData("a SEARCH")]
    [InlineData("a SEARCH RETURN (FIRST) ALL")]
    [InlineData("a SEARCH BEFORE 32-Foo-2020")]
    [InlineData("a LIST (RECURSIVEMATCH) \"\" *")]
    [InlineData("a SELECT INBOX (QRESYNC (0 1))")]
    [InlineData("a STATUS INBOX ()")]
    [InlineData("a NOOP extra")]
    [InlineData("a ENABLE")]
    [InlineData("a CREATE x (USE \\Sent)")]
    [InlineData("a COPY 1")]
    [InlineData("a ID foo")]
    public void Grammar_violations_are_syntax_errors_with_a_reason(string line)
    {
        var e = Assert.Throws<ImapSyntaxException>(() => Parse(line));
        Assert.False(string.IsNullOrEmpty(e.Message));
    }

    [Fact]
    public void Any_tokenized_command_is_a_request_or_a_syntax_error()
    {
        string[] words =
        [
            "FETCH", "STORE", "SEARCH", "LIST", "SELECT", "STATUS", "COPY", "MOVE", "EXPUNGE", "CREATE", "RENAME", "ENABLE", "ID",
            "1:*", "4294967295", "0", "$", "(", ")", "BODY[1.2.MIME]<5.10>", "BINARY[]", "FLAGS", "+FLAGS", "(\\Seen)", "RETURN",
            "(MIN)", "OR", "NOT", "UID", "MODSEQ", "CHANGEDSINCE", "(QRESYNC", "(1", "2)", "NIL", "\"\"", "INBOX", "&-", "*", "%",
        ];
        var lines = Gen.Elements(words).ListOf().Select(ws => "t " + string.Join(' ', ws));
        Prop.ForAll(lines.ToArbitrary(), line =>
        {
            var results = ImapParserDriver.Feed(new ImapCommandParser(new ImapParserLimits()), Encoding.UTF8.GetBytes(line + "\r\n"), 4096, 4096);
            foreach (var command in results.Select(r => r.Command).OfType<ImapCommand>())
            {
                try
                {
                    var request = ImapRequestParser.Parse(command);
                    Assert.Equal(command.Tag, request.Tag);
                }
                catch (ImapSyntaxException e)
                {
                    Assert.False(string.IsNullOrEmpty(e.Message));
                }
            }
        }).QuickCheckThrowOnFailure();
    }
}
