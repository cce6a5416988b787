using OrleansMail.Grains.Contracts;
using OrleansMail.Imap.Protocol;
using OrleansMail.Mail;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>SELECT's load in pages of columns: the view it builds is the mailbox, even when the mailbox changes between pages.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SelectLoadTests(ImapHost host)
{
    [Fact]
    public async Task A_view_loaded_page_by_page_while_another_session_changes_the_mailbox_catches_up_to_it_at_its_next_look()
    {
        var user = host.NewUser();
        await using (var filler = await host.LoggedInAsync(user))
        {
            for (var i = 0; i < 40; i++)
            {
                await filler.AppendAsync("f" + i, "INBOX", ImapHost.Message("m" + i));
            }

            await filler.CommandAsync("f90", "SELECT INBOX");
            await filler.CommandAsync("f91", "STORE 1:10 +FLAGS ($Label1 \\Flagged)");
            await filler.CommandAsync("f92", "STORE 5:15 +FLAGS ($Label2)");
        }

        var grain = host.Grains.GetGrain<IUserGrain>(user);
        var inbox = await grain.GetMailboxAsync("INBOX");
        var movedOnce = false;
        for (var attempt = 0; attempt < 5 && !movedOnce; attempt++)
        {
            // Another session keeps changing flags, expunging and delivering while the view loads one record a page.
            using var stop = new CancellationTokenSource();
            var writing = new TaskCompletionSource();
            var writer = Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var uids = (await grain.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue))).Select(m => m.Uid).ToArray();
                    var uid = uids[n * 7 % uids.Length];
                    await grain.StoreFlagsAsync(inbox.Id, UidSet.Of(uid), n % 2 == 0 ? FlagOperation.Add : FlagOperation.Remove, MessageFlags.Seen, ["$Work"]);
                    writing.TrySetResult();
                    if (n % 5 == 4)
                    {
                        await grain.StoreFlagsAsync(inbox.Id, UidSet.Of(uids[0]), FlagOperation.Add, MessageFlags.Deleted, []);
                        await grain.ExpungeAsync(inbox.Id, UidSet.Of(uids[0]));
                        await host.DeliverAsync(user, ImapHost.Message("during " + n));
                    }
                }
            });

            await writing.Task;
            var view = new SelectedMailbox(inbox, readOnly: false) { Owner = user };
            // Besides the writer's changes, whenever it gets a turn: one change right after the first page, every time.
            var changing = ChangeAfterFirstPage.Wrap(grain, () => grain.StoreFlagsAsync(inbox.Id, UidSet.Range(1, uint.MaxValue), attempt % 2 == 0 ? FlagOperation.Add : FlagOperation.Remove, MessageFlags.None, ["$Between"]));
            var moved = await SelectHandler.LoadAsync(new MailboxTarget(changing, user, "INBOX"), view, pageSize: 1);
            await stop.CancelAsync();
            await writer;
            movedOnce |= moved;
            Assert.Equal(view.Uids.Order(), view.Uids);

            // What the session's next look does: take in every change since the modseq the view is synchronised to.
            var changes = await grain.GetChangesAsync(inbox.Id, view.SyncedModSeq);
            Assert.True(changes.VanishedComplete);
            foreach (var uid in changes.Vanished.Ranges.SelectMany(r => Enumerable.Range((int)r.First, (int)(r.Last - r.First + 1))))
            {
                view.MarkExpunged((uint)uid);
            }

            view.ApplyExpunges();
            foreach (var m in changes.Changed)
            {
                if (!view.Update(m))
                {
                    view.Add(m);
                }
            }

            var truth = await grain.FetchAsync(inbox.Id, UidSet.Range(1, uint.MaxValue));
            Assert.Equal(
                truth.Select(m => (m.Uid, m.BodyId, m.Flags, string.Join(' ', m.Keywords), m.ModSeq, m.InternalDate, m.Size)),
                Enumerable.Range(1, view.Count).Select(n => view[n]).Select(m => (m.Uid, m.BodyId, m.Flags, string.Join(' ', m.Keywords), m.ModSeq, m.InternalDate, m.Size)));
        }

        Assert.True(movedOnce, "the mailbox never changed between two pages: the catch-up path was not exercised");
    }

    [Fact]
    public async Task Pages_are_capped_and_carry_each_distinct_keyword_list_once()
    {
        var user = host.NewUser();
        await using var session = await host.LoggedInAsync(user);
        for (var i = 0; i < 6; i++)
        {
            await session.AppendAsync("a" + i, "INBOX", ImapHost.Message("m" + i));
        }

        await session.CommandAsync("b0", "SELECT INBOX");
        await session.CommandAsync("b1", "STORE 1:4 +FLAGS (Zeta Alpha)");
        var grain = host.Grains.GetGrain<IUserGrain>(user);
        var inbox = await grain.GetMailboxAsync("INBOX");

        var page = await grain.ListMessagesAsync(inbox.Id, 2, 4);
        Assert.Equal([2u, 3u, 4u, 5u], page.Uids);
        Assert.Equal(6u, page.NextUid);
        Assert.Equal([[], ["Alpha", "Zeta"]], page.KeywordSets);
        Assert.Equal([1, 1, 1, 0], page.KeywordSetOf);
        Assert.Equal(0u, (await grain.ListMessagesAsync(inbox.Id, 6, int.MaxValue)).NextUid);
        Assert.Equal(6, (await grain.ListMessagesAsync(inbox.Id, 1, int.MaxValue)).Count);
        Assert.Single((await grain.ListMessagesAsync(inbox.Id, 1, 0)).Uids);
    }
}
