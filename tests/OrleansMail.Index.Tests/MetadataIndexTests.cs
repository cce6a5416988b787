using System.Text;
using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Index.Tests;

/// <summary>METADATA entries in the index: applied, kept through snapshots, and merged entry by entry.</summary>
public sealed class MetadataIndexTests
{
    private static readonly Guid Inbox = new("10000000-0000-0000-0000-000000000000");
    private static readonly Guid Work = new("20000000-0000-0000-0000-000000000000");
    private static readonly Guid Low = new("00000000-0000-0000-0000-0000000000aa");
    private static readonly Guid High = new("00000000-0000-0000-0000-0000000000bb");

    private static byte[] V(string text) => Encoding.UTF8.GetBytes(text);

    private static UserIndex Base()
    {
        var index = new UserIndex();
        index.ApplyAll([
            new MailboxCreated(1, Inbox, "INBOX", SpecialUse.None, 100),
            new MailboxCreated(2, Work, "Work", SpecialUse.None, 101),
            new MetadataChanged(3, Inbox, "/private/comment", V("base")),
            new MetadataChanged(4, Guid.Empty, "/private/vendor/x/theme", V("light")),
        ]);
        return index;
    }

    private static string? Value(UserIndex index, Guid mailbox, string entry) =>
        index.Metadata.TryGetValue(new MetadataKey(mailbox, entry), out var v) ? Encoding.UTF8.GetString(v.Value) : null;

    [Fact]
    public void Entries_are_set_replaced_removed_and_go_with_their_mailbox()
    {
        var index = Base();
        index.Apply(new MetadataChanged(5, Work, "/shared/comment", V("team")));
        index.Apply(new MetadataChanged(6, Inbox, "/private/comment", V("newer")));
        Assert.Equal("newer", Value(index, Inbox, "/private/comment"));
        Assert.Equal(3, index.Metadata.Count);
        Assert.Equal("/private/comment".Length + 5 + "/private/vendor/x/theme".Length + 5 + "/shared/comment".Length + 4, index.MetadataBytes);

        index.Apply(new MetadataChanged(7, Inbox, "/private/comment", null));
        index.Apply(new MailboxDeleted(8, Work));
        Assert.Equal(["/private/vendor/x/theme"], index.Metadata.Keys.Select(k => k.Entry));
        Assert.Equal("/private/vendor/x/theme".Length + 5, index.MetadataBytes);
    }

    [Fact]
    public void A_snapshot_keeps_every_entry_and_one_without_entries_keeps_the_older_format()
    {
        Assert.Equal(IndexWriter.SnapshotVersion, IndexWriter.SnapshotBytes(new UserIndex())[4]);
        var index = Base();
        index.Apply(new MetadataChanged(5, Work, "/shared/vendor/bin", [0, 1, 2, 255]));
        var bytes = IndexWriter.SnapshotBytes(index);
        Assert.Equal(IndexWriter.MetadataSnapshotVersion, bytes[4]);
        var read = IndexReader.ReadSnapshot(bytes);
        Assert.Equal(index.Metadata.Keys, read.Metadata.Keys);
        Assert.All(index.Metadata, kv => Assert.True(kv.Value.SameAs(read.Metadata[kv.Key])));
        Assert.Equal(index.MetadataBytes, read.MetadataBytes);
        Assert.Equal(bytes, IndexWriter.SnapshotBytes(read));
    }

    [Fact]
    public void A_merge_takes_each_entry_from_the_side_that_changed_it_and_the_later_change_when_both_did()
    {
        var merged = IndexMerge.Merge(
            Base(),
            new JournalSide(Low, [
                new MetadataChanged(10, Inbox, "/private/comment", V("low side")),
                new MetadataChanged(11, Work, "/shared/comment", V("only low")),
                new MetadataChanged(20, Guid.Empty, "/private/vendor/x/theme", null),
            ]),
            new JournalSide(High, [
                new MetadataChanged(12, Inbox, "/private/comment", V("high side, later")),
                new MetadataChanged(15, Guid.Empty, "/private/vendor/x/theme", V("dark")),
            ])).Index;
        Assert.Equal("high side, later", Value(merged, Inbox, "/private/comment"));
        Assert.Equal("only low", Value(merged, Work, "/shared/comment"));
        Assert.Null(Value(merged, Guid.Empty, "/private/vendor/x/theme")); // the later removal wins over the earlier set

        // The same either way round.
        var swapped = IndexMerge.Merge(
            Base(),
            new JournalSide(High, [
                new MetadataChanged(12, Inbox, "/private/comment", V("high side, later")),
                new MetadataChanged(15, Guid.Empty, "/private/vendor/x/theme", V("dark")),
            ]),
            new JournalSide(Low, [
                new MetadataChanged(10, Inbox, "/private/comment", V("low side")),
                new MetadataChanged(11, Work, "/shared/comment", V("only low")),
                new MetadataChanged(20, Guid.Empty, "/private/vendor/x/theme", null),
            ])).Index;
        Assert.Equal(IndexWriter.SnapshotBytes(merged), IndexWriter.SnapshotBytes(swapped));
    }

    [Fact]
    public void A_merge_drops_the_entries_of_a_mailbox_one_side_deleted_and_keeps_an_entry_neither_touched()
    {
        var merged = IndexMerge.Merge(
            Base(),
            new JournalSide(Low, [new MailboxDeleted(10, Work)]),
            new JournalSide(High, [new MetadataChanged(11, Work, "/shared/comment", V("annotated meanwhile"))])).Index;
        Assert.Null(merged.FindMailbox(Work));
        Assert.DoesNotContain(merged.Metadata.Keys, k => k.MailboxId == Work);
        Assert.Equal("base", Value(merged, Inbox, "/private/comment"));
        Assert.Equal("light", Value(merged, Guid.Empty, "/private/vendor/x/theme"));
    }
}
