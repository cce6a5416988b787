using System.Globalization;
using System.Text;
using OrleansMail.Index.Model;

namespace OrleansMail.Index.Tests;

/// <summary>A readable, canonical text form of an index, so a failed equality shows where two indexes differ.</summary>
internal static class IndexDump
{
    public static string Of(UserIndex index)
    {
        var sb = new StringBuilder();

        // The usage the index keeps as it goes must be what its records add up to (quotas are enforced on it).
        var records = index.Mailboxes.Values.SelectMany(m => m.Messages).ToList();
        sb.AppendLine(CultureInfo.InvariantCulture, $"usage {index.MessageCount} messages, {index.StorageBytes} octets");
        if (index.MessageCount != records.Count || index.StorageBytes != records.Sum(r => r.Size))
        {
            throw new InvalidOperationException($"the index counts {index.MessageCount} messages of {index.StorageBytes} octets; its records are {records.Count} of {records.Sum(r => r.Size)}");
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"uidvalidity {index.LastUidValidity}; subs {string.Join(',', index.Subscriptions)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"tombstones {string.Join(',', index.Tombstones.OrderBy(t => t.Key).Select(t => $"{t.Key.ToString()[..8]}@{t.Value}"))}");
        foreach (var m in index.Mailboxes.Values.OrderBy(m => m.Id))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"box {m.Id.ToString()[..8]} '{m.Name}' uv={m.UidValidity} next={m.UidNext} hms={m.HighestModSeq} del={m.DeletedModSeq}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  expunged {string.Join(' ', m.Expunged.Select(e => $"{e.First}:{e.Last}@{e.ModSeq}"))}");
            foreach (var r in m.Messages)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  uid {r.Uid} rec {r.RecordId.ToString()[..8]} flags {(int)r.Flags} kw {string.Join(',', r.Keywords)} ms {r.ModSeq}");
            }
        }

        return sb.ToString();
    }
}
