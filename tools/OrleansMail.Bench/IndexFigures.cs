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
        // What an activation holds: the same index as read back from its snapshot (every collection at its size),
        // measured with the built one gone.
        var builtBytes = after - before;
        index = null!;
        var beforeRead = GC.GetTotalMemory(forceFullCollection: true);
        watch.Restart();
        var read = IndexReader.ReadSnapshot(bytes);
        var readMs = watch.Elapsed.TotalMilliseconds;
        var loadedBytes = GC.GetTotalMemory(forceFullCollection: true) - beforeRead;
        index = read;

        // "What changed since" after 10 flag changes, as an IDLE session asks after each notice: the scan of every
        // record the grain did before, against the mailbox's change log, on the same index.
        var mailbox = index.FindMailbox(box)!;
        mailbox.TryChangesSince(mailbox.HighestModSeq, out _); // the log is kept from the first question on
        var since = mailbox.HighestModSeq;
        for (var i = 0; i < 10; i++)
        {
            var uid = (uint)random.Next(1, messages + 1);
            index.Apply(new FlagsChanged(messages + i, box, uid, MessageFlags.Seen | MessageFlags.Flagged, [], mailbox.HighestModSeq + 1));
        }

        const int Repeats = 200;
        watch.Restart();
        var scanned = 0;
        for (var i = 0; i < Repeats; i++)
        {
            scanned = mailbox.Messages.Where(r => r.ModSeq > since).Count();
        }

        var scanUs = watch.Elapsed.TotalMicroseconds / Repeats;
        watch.Restart();
        var logged = 0;
        for (var i = 0; i < Repeats; i++)
        {
            mailbox.TryChangesSince(since, out var changed);
            logged = changed.Count;
        }

        var logUs = watch.Elapsed.TotalMicroseconds / Repeats;
        if (scanned != logged)
        {
            throw new InvalidOperationException($"the change log found {logged} changes, the scan {scanned}");
        }

        GC.KeepAlive(index);
        return new Dictionary<string, double>
        {
            ["changes_since_scan_us"] = scanUs,
            ["changes_since_log_us"] = logUs,
            ["changes_since_scan_over_log"] = scanUs / logUs,
            ["messages"] = messages,
            ["memory_bytes"] = builtBytes,
            ["memory_bytes_per_message"] = builtBytes / (double)messages,
            ["memory_loaded_bytes_per_message"] = loadedBytes / (double)messages,
            ["snapshot_bytes"] = bytes.Length,
            ["snapshot_bytes_per_message"] = bytes.Length / (double)messages,
            ["apply_ms"] = applyMs,
            ["snapshot_write_ms"] = writeMs,
            ["snapshot_read_ms"] = readMs,
        };
    }
}
