using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>The session's view in columns: \Recent kept as ranges of UIDs, counted over the messages the view still has.</summary>
public sealed class SelectedMailboxTests
{
    [Fact]
    public void Recent_ranges_mark_only_known_messages_count_only_present_ones_and_skip_what_another_session_claimed()
    {
        var view = new SelectedMailbox(new MailboxInfo(Guid.NewGuid(), "INBOX", SpecialUse.None, false, 1, 11, 10, 10, 0, 0, false), readOnly: false) { Owner = "u" };
        for (var uid = 1u; uid <= 10; uid++)
        {
            view.Add(Message(uid));
        }

        Assert.Equal(7, view.MarkRecentFrom(4));
        Assert.Equal(7, view.RecentCount);
        Assert.False(view.IsRecent(3));
        Assert.True(view.IsRecent(4) && view.IsRecent(10));

        // 11 and 12 arrive; another session claimed 11 first, this one gets 12 only.
        view.Add(Message(11));
        view.Add(Message(12));
        Assert.False(view.IsRecent(11));
        Assert.Equal(1, view.MarkRecentFrom(12));
        Assert.False(view.IsRecent(11));
        Assert.True(view.IsRecent(12));
        Assert.Equal(8, view.RecentCount);
        Assert.Equal(1, view.MarkRecentFrom(5)); // of 5 up, only 11 is new to this session's set
        Assert.True(view.IsRecent(11));
        Assert.Equal(9, view.RecentCount);

        view.MarkExpunged(5);
        view.MarkExpunged(12);
        Assert.Equal([(12u, 12), (5u, 5)], view.ApplyExpunges());
        Assert.Equal(7, view.RecentCount);
        Assert.Equal([1u, 2, 3, 4, 6, 7, 8, 9, 10, 11], view.Uids);
        Assert.Equal(11u, view[10].Uid);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_notice_of_the_sessions_own_change_asks_for_no_look_whether_it_comes_before_or_after_the_answer(bool noticeFirst)
    {
        var view = new SelectedMailbox(new MailboxInfo(Guid.NewGuid(), "INBOX", SpecialUse.None, false, 1, 11, 10, 10, 0, 0, false), readOnly: false) { Owner = "u" };
        Assert.False(view.Behind);

        // The session's STORE took the mailbox from modseq 10 to 11.
        if (noticeFirst)
        {
            view.Noticed(11, 11);
            Assert.True(view.Behind);
        }

        view.TookInOwnChange(before: 10, after: 11);
        view.Noticed(11, 11);
        Assert.Equal(11ul, view.SyncedModSeq);
        Assert.False(view.Behind);

        // Another session's change came between two of this session's: the view stays where it was and looks.
        view.Noticed(12, 11);
        view.TookInOwnChange(before: 12, after: 13);
        Assert.Equal(11ul, view.SyncedModSeq);
        Assert.True(view.Behind);

        // A delivery moves UIDNEXT alone: that too is a reason to look.
        var other = new SelectedMailbox(new MailboxInfo(Guid.NewGuid(), "INBOX", SpecialUse.None, false, 1, 11, 10, 10, 0, 0, false), readOnly: false) { Owner = "u" };
        other.Noticed(10, 12);
        Assert.True(other.Behind);
    }

    private static MessageView Message(uint uid) => new(Guid.NewGuid(), Guid.NewGuid(), uid, MessageFlags.None, [], uid, 0, 0, 100);
}
