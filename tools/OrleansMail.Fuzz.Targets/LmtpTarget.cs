using System.Buffers;
using OrleansMail.Lmtp.Protocol;

namespace OrleansMail.Fuzz.Targets;

/// <summary>
/// Drives the LMTP line reader and command parser as the session does; after a DATA or BDAT command the rest of
/// the input goes through the DATA decoder (dot-unstuffing) and, when it ends, command parsing resumes. Anything
/// thrown out of here, or a decoder that grows its output beyond its input, is a finding.
/// </summary>
public static class LmtpTarget
{
    private const int MaxLineLength = 512;

    /// <summary>Fragments that make random input look like LMTP, for the mutator's insertions.</summary>
    public static IReadOnlyList<string> Dictionary { get; } =
    [
        "LHLO mx\r\n", "MAIL FROM:<a@b>", "RCPT TO:<u+box@example.org>", " SIZE=100", " BODY=8BITMIME", " SMTPUTF8",
        "DATA\r\n", "BDAT 5 LAST\r\n", "BDAT 0\r\n", "RSET\r\n", "NOOP\r\n", "QUIT\r\n", "VRFY x\r\n", "\r\n", "\n",
        "\r\n.\r\n", "\r\n..", ".\r\n", "<>", "<\"q u\"@x>", "@relay:", "=", " ", ":", "\u00e9", "\0",
    ];

    public static void Run(byte[] input)
    {
        var chunk = input.Length == 0 ? 1 : 1 + (input[0] % 64);
        var segment = input.Length < 2 ? 1 : 1 + (input[1] % 16);
        var pending = Array.Empty<byte>();
        var skipping = false;
        DataDecoder? data = null;
        var decoded = new ArrayBufferWriter<byte>();
        long consumedByData = 0;
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            var buffer = SegmentedBuffer.Join(pending, input, offset, Math.Min(chunk, input.Length - offset), segment);
            while (true)
            {
                if (data is not null)
                {
                    var before = buffer.Length;
                    data.Decode(ref buffer, decoded);
                    consumedByData += before - buffer.Length;

                    // Bare LF becomes CRLF, so the output may grow, but never past twice the input.
                    if (decoded.WrittenCount > 2 * consumedByData + 2)
                    {
                        throw new InvalidOperationException($"the DATA decoder wrote {decoded.WrittenCount} bytes for {consumedByData}");
                    }

                    if (!data.Done)
                    {
                        break;
                    }

                    data = null;
                    decoded.Clear();
                    consumedByData = 0;
                }

                var read = LmtpLineReader.TryRead(ref buffer, MaxLineLength, ref skipping, out var line);
                if (read == LmtpLineReader.Result.NeedMore)
                {
                    break;
                }

                if (read == LmtpLineReader.Result.TooLong)
                {
                    continue;
                }

                if (!LmtpCommand.TryParse(line, out var command, out var error))
                {
                    if (error is null)
                    {
                        throw new InvalidOperationException("a refused command without a reply");
                    }

                    continue;
                }

                if (command.Verb is LmtpVerb.Data)
                {
                    data = new DataDecoder();
                }
                else if (command.Verb is LmtpVerb.Bdat && command.ChunkSize < 0)
                {
                    throw new InvalidOperationException($"a negative BDAT size was accepted: {line}");
                }
            }

            pending = buffer.ToArray();
            if (pending.Length > 2 * MaxLineLength + 64)
            {
                throw new InvalidOperationException($"{pending.Length} bytes left unconsumed: a line is buffered without bound");
            }
        }
    }
}
