using System.Diagnostics;
using OrleansMail.Index.Format;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Mail;

namespace OrleansMail.Bench;

/// <summary>Memory held and snapshot size of an index of N messages, measured in this process.</summary>
internal static class IndexFigures
{
    public static Dictionary<string, double> Measure(int messages)
    {
        var random = new Random(42);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var index = new UserIndex();
        var box = Guid.NewGuid();
        index.Apply(new MailboxCreated(1, box, "INBOX", SpecialUse.None, 1));
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            var id = Guid.CreateVersion7();
            index.Apply(new MessageAdded(i, box, new MessageRecord
            {
                RecordId = id,
                BodyId = id,
                Uid = (uint)i + 1,
                ModSeq = (ulong)i + 2,
                Flags = (MessageFlags)random.Next(32),
                Keywords = random.Next(10) == 0 ? ["$Forwarded"] : Keywords.None,
                InternalDate = 1_700_000_000_000 + i,
                SaveDate = 1_700_000_000_000 + i,
                Size = random.Next(2_000, 100_000),
            }));
        }

        var applyMs = watch.Elapsed.TotalMilliseconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        watch.Restart();
        var bytes = IndexWriter.SnapshotBytes(index);
        var writeMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        var read = IndexReader.ReadSnapshot(bytes);
        var readMs = watch.Elapsed.TotalMilliseconds;
        GC.KeepAlive(index);
        GC.KeepAlive(read);
        return new Dictionary<string, double>
        {
            ["messages"] = messages,
            ["memory_bytes"] = after - before,
            ["memory_bytes_per_message"] = (after - before) / (double)messages,
            ["snapshot_bytes"] = bytes.Length,
            ["snapshot_bytes_per_message"] = bytes.Length / (double)messages,
            ["apply_ms"] = applyMs,
            ["snapshot_write_ms"] = writeMs,
            ["snapshot_read_ms"] = readMs,
        };
    }
}
