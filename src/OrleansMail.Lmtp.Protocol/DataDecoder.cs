using System.Buffers;

namespace OrleansMail.Lmtp.Protocol;

/// <summary>
/// Decodes the DATA transparency (RFC 5321 §4.5.2): removes the leading dot of dot-stuffed lines, ends at the
/// line ".", and turns bare LF into CRLF so the stored message has canonical line ends. Pure and incremental:
/// feed it any slicing of the input, byte at a time included.
/// </summary>
public sealed class DataDecoder
{
    private State _state = State.LineStart;

    private enum State
    {
        LineStart,
        InLine,
        Dot,
        DotCr,
        Cr,
    }

    public bool Done { get; private set; }

    /// <summary>Consumes what it can from <paramref name="input"/> into <paramref name="output"/>; stops right after the terminating line.</summary>
    public void Decode(ref ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        var reader = new SequenceReader<byte>(input);
        while (!Done)
        {
            // Fast path: inside a line, copy everything up to the next CR or LF in one go.
            if (_state == State.InLine)
            {
                var span = reader.UnreadSpan;
                var stop = span.IndexOfAny((byte)'\r', (byte)'\n');
                var run = stop < 0 ? span.Length : stop;
                if (run > 0)
                {
                    output.Write(span[..run]);
                    reader.Advance(run);
                    continue;
                }
            }

            if (!reader.TryRead(out var b))
            {
                break;
            }

            switch (_state)
            {
                case State.LineStart when b == '.':
                    _state = State.Dot;
                    break;
                case State.Dot when b == '\r':
                    _state = State.DotCr;
                    break;
                case State.Dot when b == '\n':
                case State.DotCr when b == '\n':
                    Done = true;
                    break;
                case State.DotCr:
                    // ".\r" followed by something else: the dot was stuffing, the CR belongs to the line.
                    Write(output, (byte)'\r');
                    _state = State.InLine;
                    Feed(output, b);
                    break;
                case State.Dot:
                    _state = State.InLine;
                    Feed(output, b);
                    break;
                default:
                    Feed(output, b);
                    break;
            }
        }

        input = input.Slice(reader.Position);
    }

    private void Feed(IBufferWriter<byte> output, byte b)
    {
        switch (b)
        {
            case (byte)'\r':
                if (_state == State.Cr)
                {
                    Write(output, (byte)'\r');
                }

                _state = State.Cr;
                break;
            case (byte)'\n':
                Write(output, (byte)'\r');
                Write(output, (byte)'\n');
                _state = State.LineStart;
                break;
            default:
                if (_state == State.Cr)
                {
                    Write(output, (byte)'\r');
                }

                Write(output, b);
                _state = State.InLine;
                break;
        }
    }

    private static void Write(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
