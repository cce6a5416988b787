using OrleansMail.Index.Format;
using OrleansMail.Index.Merge;
using OrleansMail.Index.Model;

namespace OrleansMail.Index.Tests;

/// <summary>A random base and two writers that diverged from it: the input of every merge property.</summary>
internal sealed record Scenario(UserIndex Base, JournalSide A, JournalSide B, UserIndex StateA, UserIndex StateB)
{
    public static Scenario Generate(int seed, int baseSteps = 40, int sideSteps = 30)
    {
        var builder = new JournalSimulator(seed, new UserIndex(), 1_000_000);
        builder.Run(baseSteps);
        var @base = builder.State;
        var shared = new List<Guid>();
        var r = new Random(seed ^ 0x5A5A);
        for (var i = 0; i < 5; i++)
        {
            shared.Add(Guid.NewGuid());
        }

        var a = new JournalSimulator(seed * 31 + 1, @base.Clone(), 2_000_000, shared);
        var b = new JournalSimulator(seed * 31 + 2, @base.Clone(), 2_000_000 + r.Next(500), shared);
        a.Run(sideSteps);
        b.Run(sideSteps);
        return new Scenario(
            @base,
            new JournalSide(new Guid(seed, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1), a.Entries),
            new JournalSide(new Guid(seed, 2, 2, 0, 0, 0, 0, 0, 0, 0, 2), b.Entries),
            a.State,
            b.State);
    }

    public static byte[] Bytes(UserIndex index) => IndexWriter.SnapshotBytes(index);
}
