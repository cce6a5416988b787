using OrleansMail.Grains.Contracts;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Grains;

/// <summary>Builds SELECT's pages of records in columns, straight from the index's records.</summary>
internal static class MessageListings
{
    /// <summary>Records per page at most: about 3 MB on the wire, well inside one Orleans message.</summary>
    public const int MaxPage = 65_536;

    public static MessageListing Page(MailboxState mailbox, uint fromUid, int limit)
    {
        var messages = mailbox.Messages;
        var start = mailbox.LowerBound(fromUid);
        var count = Math.Max(0, Math.Min(limit, messages.Count - start));
        var uids = new uint[count];
        var flags = new MessageFlags[count];
        var modSeqs = new ulong[count];
        var keywordSetOf = new int[count];
        var bodyIds = new Guid[count];
        var internalDates = new long[count];
        var saveDates = new long[count];
        var sizes = new long[count];
        var keywordSets = new KeywordSets();
        for (var i = 0; i < count; i++)
        {
            var r = messages[start + i];
            uids[i] = r.Uid;
            flags[i] = r.Flags;
            modSeqs[i] = r.ModSeq;
            bodyIds[i] = r.BodyId;
            internalDates[i] = r.InternalDate;
            saveDates[i] = r.SaveDate;
            sizes[i] = r.Size;
            keywordSetOf[i] = keywordSets.IndexOf(r.Keywords);
        }

        return new MessageListing
        {
            Uids = uids,
            Flags = flags,
            ModSeqs = modSeqs,
            KeywordSetOf = keywordSetOf,
            KeywordSets = [.. keywordSets.Lists],
            BodyIds = bodyIds,
            InternalDates = internalDates,
            SaveDates = saveDates,
            Sizes = sizes,
            HighestModSeq = mailbox.HighestModSeq,
            NextUid = start + count < messages.Count ? messages[start + count].Uid : 0,
        };
    }
}
