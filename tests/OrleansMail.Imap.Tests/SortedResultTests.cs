using OrleansMail.Imap.Protocol.Sorting;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// The positions CONTEXT=SORT tells (RFC 5267 §4.3): a client that applies each REMOVEFROM and ADDTO in turn to the
/// list it holds ends with the server's list, whatever is removed and inserted.
/// </summary>
public sealed class SortedResultTests
{
    [Fact]
    public void A_client_applying_the_runs_in_turn_holds_the_servers_order()
    {
        var random = new Random(5267);
        var order = new SortOrder([new SortCriterion(SortKey.Size, Reverse: false), new SortCriterion(SortKey.Arrival, Reverse: true)]);
        for (var round = 0; round < 300; round++)
        {
            var nextUid = 1u;
            SortOrder.Entry NewEntry() => new(nextUid++, [new(random.Next(5), null), new(random.Next(3), null)]);
            var result = new SortedResult(order, Enumerable.Range(0, random.Next(0, 30)).Select(_ => NewEntry()).ToList());
            var client = result.Uids.ToList();
            for (var step = 0; step < 10; step++)
            {
                var removed = client.Where(_ => random.Next(4) == 0).ToList();
                foreach (var (position, uids) in result.Remove(removed))
                {
                    // REMOVEFROM (p set): the set stands from position p in the list as the client holds it now.
                    Assert.Equal(uids, client.GetRange(position - 1, uids.Count));
                    client.RemoveRange(position - 1, uids.Count);
                }

                foreach (var (position, uids) in result.Insert(Enumerable.Range(0, random.Next(0, 6)).Select(_ => NewEntry()).ToList()))
                {
                    Assert.InRange(position, 1, client.Count + 1);
                    client.InsertRange(position - 1, uids);
                }

                Assert.Equal(result.Uids, client);
            }
        }
    }

    [Fact]
    public void Equal_keys_keep_mailbox_order_and_a_known_message_is_not_inserted_twice()
    {
        var order = new SortOrder([new SortCriterion(SortKey.Subject, Reverse: false)]);
        var result = new SortedResult(order, [new(4, [new(0, "b")]), new(2, [new(0, "b")]), new(9, [new(0, "a")])]);
        Assert.Equal([9u, 2, 4], result.Uids);
        Assert.Equal(["4: 5"], Runs(result.Insert([new(5, [new(0, "b")]), new(2, [new(0, "b")])])));
        Assert.Equal([9u, 2, 4, 5], result.Uids);
        Assert.Equal(["2: 2 4"], Runs(result.Remove([4u, 2u, 77u])));
    }

    private static IEnumerable<string> Runs(List<(int Position, List<uint> Uids)> runs) => runs.Select(r => $"{r.Position}: {string.Join(' ', r.Uids)}");
}
