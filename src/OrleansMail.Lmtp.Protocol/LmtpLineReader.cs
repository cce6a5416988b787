using System.Buffers;
using System.Text;

namespace OrleansMail.Lmtp.Protocol;

/// <summary>
/// Takes one command line off the front of a buffer: pure and incremental. The length limit is checked before a
/// line is materialised; an over-long line is reported once and then skipped up to its end.
/// </summary>
public static class LmtpLineReader
{
    /// <summary>The outcome of one read attempt.</summary>
    public enum Result
    {
        NeedMore,
        Line,
        TooLong,
    }

    /// <param name="skipping">Carries "inside an over-long line" between calls; start with false.</param>
    public static Result TryRead(ref ReadOnlySequence<byte> buffer, int maxLength, ref bool skipping, out string line)
    {
        line = "";
        var lf = buffer.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (buffer.Length > maxLength)
            {
                // Drop what we have; keep dropping until the line ends.
                buffer = buffer.Slice(buffer.End);
                if (!skipping)
                {
                    skipping = true;
                    return Result.TooLong;
                }
            }

            return Result.NeedMore;
        }

        var content = buffer.Slice(0, lf.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        if (skipping)
        {
            skipping = false;
            return Result.NeedMore;
        }

        if (content.Length > maxLength)
        {
            return Result.TooLong;
        }

        if (content.Length > 0 && content.Slice(content.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            content = content.Slice(0, content.Length - 1);
        }

        // SMTPUTF8 addresses arrive as UTF-8; invalid bytes become U+FFFD and then fail address checks.
        line = Encoding.UTF8.GetString(content);
        return Result.Line;
    }
}
