using System.Buffers;
using OrleansMail.Imap.Protocol;

namespace OrleansMail.Fuzz.Targets;

/// <summary>
/// Feeds input to the IMAP parser as the server's connection loop does: in chunks, as segmented buffers, taking
/// streamed literals itself (or refusing them, as APPEND to a missing mailbox does) and resuming the parser.
/// </summary>
public static class ImapParserDriver
{
    /// <param name="refuseStream">Decides, by literal length, which streamed literals the caller refuses unread.</param>
    /// <param name="maxPending">Bytes the parser may leave unconsumed between reads; more means it buffers without bound.</param>
    public static List<ImapParseResult> Feed(ImapCommandParser parser, byte[] input, int chunk, int segmentLength, Func<long, bool>? refuseStream = null, long maxPending = long.MaxValue)
    {
        var results = new List<ImapParseResult>();
        var pending = Array.Empty<byte>();
        long streaming = 0;
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            var buffer = SegmentedBuffer.Join(pending, input, offset, Math.Min(chunk, input.Length - offset), segmentLength);
            while (true)
            {
                if (streaming > 0)
                {
                    var take = Math.Min(streaming, buffer.Length);
                    buffer = buffer.Slice(take);
                    streaming -= take;
                    if (streaming > 0)
                    {
                        break;
                    }

                    parser.ResumeAfterStreamedLiteral();
                }

                var result = parser.Parse(ref buffer);
                if (result.Status == ImapParseStatus.NeedMore)
                {
                    break;
                }

                results.Add(result);
                if (result.Status != ImapParseStatus.StreamLiteral)
                {
                    continue;
                }

                if (refuseStream?.Invoke(result.LiteralLength) == true)
                {
                    parser.AbandonStreamedLiteral(result.LiteralLength, result.LiteralSynchronizing);
                    continue;
                }

                streaming = result.LiteralLength;
                if (streaming == 0)
                {
                    parser.ResumeAfterStreamedLiteral();
                }
            }

            pending = buffer.ToArray();
            if (pending.Length > maxPending)
            {
                throw new InvalidOperationException($"the parser left {pending.Length} bytes unconsumed: it buffers without bound");
            }
        }

        return results;
    }
}
