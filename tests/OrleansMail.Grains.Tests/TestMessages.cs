using System.Text;
using OrleansMail.Grains.Contracts;
using OrleansMail.Grains.Storage;
using OrleansMail.Identity;
using OrleansMail.Mail;
using OrleansMail.ObjectStore;
using OrleansMail.ObjectStore.Layout;

namespace OrleansMail.Grains.Tests;

/// <summary>Stores bodies the way the ingest path does (durable body with metadata first, then the grain), for grain-level tests.</summary>
internal static class TestMessages
{
    public static byte[] Rfc822(string subject, string messageId) => Encoding.ASCII.GetBytes(
        $"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: {subject}\r\nMessage-ID: <{messageId}>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n\r\nHello {subject}\r\n");

    /// <summary>Writes the body, then asks the grain to index it; returns what the grain answered.</summary>
    public static async Task<(Guid BodyId, SaveResult Result)> SaveAsync(IObjectStore store, IUserGrain user, string userId, string mailbox, string subject, MessageFlags flags = MessageFlags.None)
    {
        var info = await user.GetMailboxAsync(mailbox);
        var body = BodyIds.New(DateTimeOffset.UtcNow);
        var bytes = Rfc822(subject, body.ToString("N") + "@test");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await store.CreateAsync(UserObjectNames.For(userId).Body(body), bytes, BodyMetadata.Create(info.Id, flags, [], now, bytes.Length, "x"));
        var result = await user.SaveAsync(new SaveRequest(body, info.Id, null, flags, [], now, bytes.Length, null));
        return (body, result);
    }

    /// <summary>Every record of every mailbox: (mailbox name, uid, body id, flags), the index as a client would list it.</summary>
    public static async Task<List<(string Mailbox, uint Uid, Guid Body, MessageFlags Flags, ulong ModSeq)>> ListingAsync(IUserGrain user)
    {
        var result = new List<(string, uint, Guid, MessageFlags, ulong)>();
        foreach (var box in await user.ListMailboxesAsync())
        {
            foreach (var v in await user.FetchAsync(box.Id, UidSet.Range(1, uint.MaxValue)))
            {
                result.Add((box.Name, v.Uid, v.BodyId, v.Flags, v.ModSeq));
            }
        }

        return result;
    }
}
