using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace OrleansMail.ManageSieve;

/// <summary>
/// Reads commands (RFC 5804 §4) from a connection as they arrive: an atom, then strings (quoted, or literals
/// "{n+}" and, as Dovecot accepts, "{n}") and numbers, up to CRLF. A literal may span any number of reads; one over
/// the command's limit but within <see cref="CommandLimits.MaxSkippedLiteral"/> is dropped unread so the command
/// can still be answered. A malformed line is dropped up to its end and reported; whatever was pipelined after it stays.
/// </summary>
internal sealed class CommandReader(PipeReader input)
{
    private static readonly byte[] Spaces = " "u8.ToArray();

    public PipeReader Input { get; set; } = input;

    /// <summary>The next command; null when the client closed the connection.</summary>
    /// <exception cref="ManageSieveSyntaxException">The command was malformed; its line has been dropped.</exception>
    /// <exception cref="InvalidDataException">The command cannot be read past (too long a line, too large a literal): the connection must end.</exception>
    public async Task<ManageSieveCommand?> ReadAsync(CommandLimits limits, CancellationToken cancellationToken)
    {
        var state = new State(limits);
        while (true)
        {
            var read = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var outcome = state.Parse(buffer, out var consumed);

            // What follows a whole command stays unexamined, so STARTTLS can still see (and drop) it.
            Input.AdvanceTo(consumed, outcome == Outcome.NeedMore ? buffer.End : consumed);
            switch (outcome)
            {
                case Outcome.Complete:
                    return new ManageSieveCommand(state.Name, state.Arguments, state.LiteralDropped);
                case Outcome.Malformed:
                    throw new ManageSieveSyntaxException(state.Error!);
                case Outcome.Fatal:
                    throw new InvalidDataException(state.Error);
            }

            if (read.IsCompleted)
            {
                return null;
            }
        }
    }

    private enum Outcome
    {
        /// <summary>A token was read; the command goes on.</summary>
        Continue,
        NeedMore,
        Complete,
        Malformed,
        Fatal,
    }

    private sealed class State(CommandLimits limits)
    {
        private long _literalRemaining;
        private byte[]? _literal;
        private int _literalFilled;
        private bool _inLiteral;
        private long _commandBytes;
        private bool _started;

        public string? Name { get; private set; }

        public List<ManageSieveArgument> Arguments { get; } = [];

        public bool LiteralDropped { get; private set; }

        public string? Error { get; private set; }

        public Outcome Parse(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
        {
            var reader = new SequenceReader<byte>(buffer);
            while (true)
            {
                consumed = reader.Position;
                if (Error is not null)
                {
                    // Dropping the rest of a malformed line.
                    if (!reader.TryAdvanceTo((byte)'\n'))
                    {
                        consumed = buffer.End;
                        return Outcome.NeedMore;
                    }

                    consumed = reader.Position;
                    return Outcome.Malformed;
                }

                if (_inLiteral)
                {
                    if (!TakeLiteral(ref reader))
                    {
                        consumed = reader.Position;
                        return Outcome.NeedMore;
                    }

                    continue;
                }

                if (!reader.TryPeek(out var next))
                {
                    return Outcome.NeedMore;
                }

                var start = reader.Consumed;
                var outcome = next switch
                {
                    (byte)' ' => Skip(ref reader),
                    (byte)'\r' or (byte)'\n' => EndOfLine(ref reader),
                    (byte)'"' => Quoted(ref reader),
                    (byte)'{' => LiteralHeader(ref reader),
                    >= (byte)'0' and <= (byte)'9' => Number(ref reader),
                    _ when IsAtomChar(next) && !_started => Atom(ref reader),
                    _ => Malformed("Expected a string or a number"),
                };

                switch (outcome)
                {
                    case Outcome.NeedMore:
                        // An unfinished token: a line can only be this long before it is not a client's.
                        return buffer.Length - start > limits.MaxLineLength ? Fatal("Line too long") : Outcome.NeedMore;
                    case Outcome.Complete or Outcome.Fatal:
                        consumed = reader.Position;
                        return outcome;
                    case Outcome.Continue:
                        _commandBytes += reader.Consumed - start;
                        if (_commandBytes > limits.MaxCommandSize)
                        {
                            consumed = reader.Position;
                            return Fatal("Command too long");
                        }

                        break;
                }
            }
        }

        private static bool IsAtomChar(byte b) => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z');

        private static Outcome Skip(ref SequenceReader<byte> reader)
        {
            reader.AdvancePastAny(Spaces);
            return Outcome.Continue;
        }

        private Outcome EndOfLine(ref SequenceReader<byte> reader)
        {
            reader.TryRead(out var first);
            if (first == '\r')
            {
                if (!reader.TryRead(out var second))
                {
                    reader.Rewind(1);
                    return Outcome.NeedMore;
                }

                if (second != '\n')
                {
                    return Malformed("A bare CR");
                }
            }

            return Outcome.Complete;
        }

        private Outcome Atom(ref SequenceReader<byte> reader)
        {
            var name = new StringBuilder();
            while (reader.TryPeek(out var b))
            {
                if (!IsAtomChar(b))
                {
                    if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n'))
                    {
                        return Malformed("Invalid character in a command name");
                    }

                    Name = name.ToString().ToUpperInvariant();
                    _started = true;
                    return Outcome.Continue;
                }

                name.Append((char)b);
                reader.Advance(1);
            }

            reader.Rewind(name.Length);
            return Outcome.NeedMore;
        }

        private Outcome Number(ref SequenceReader<byte> reader)
        {
            long value = 0;
            var digits = 0;
            while (reader.TryPeek(out var b))
            {
                if (b is < (byte)'0' or > (byte)'9')
                {
                    if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n'))
                    {
                        return Malformed("Invalid character in a number");
                    }

                    if (!_started)
                    {
                        return Malformed("Expected a command name");
                    }

                    Arguments.Add(ManageSieveArgument.Numeric(value));
                    return Outcome.Continue;
                }

                // RFC 5804 §4: number = 1*DIGIT with a value below 4,294,967,296.
                value = (value * 10) + (b - '0');
                digits++;
                if (value > uint.MaxValue)
                {
                    return Malformed("Number too large");
                }

                reader.Advance(1);
            }

            reader.Rewind(digits);
            return Outcome.NeedMore;
        }

        private Outcome Quoted(ref SequenceReader<byte> reader)
        {
            var begin = reader.Consumed;
            reader.Advance(1);
            var text = new ArrayBufferWriter<byte>();
            while (reader.TryRead(out var b))
            {
                switch (b)
                {
                    case (byte)'"':
                        AddString(text.WrittenSpan.ToArray());
                        return Outcome.Continue;
                    case (byte)'\\':
                        if (!reader.TryRead(out var escaped))
                        {
                            reader.Rewind(reader.Consumed - begin);
                            return Outcome.NeedMore;
                        }

                        // RFC 5804 §4: only the quote and the backslash are escaped.
                        if (escaped is not ((byte)'"' or (byte)'\\'))
                        {
                            return Malformed("Invalid escape in a quoted string");
                        }

                        text.Write([escaped]);
                        break;
                    case (byte)'\r' or (byte)'\n' or 0:
                        // The line ends inside the string: the end of line is the malformed line's end.
                        reader.Rewind(1);
                        return Malformed("Unterminated quoted string");
                    default:
                        text.Write([b]);
                        break;
                }
            }

            reader.Rewind(reader.Consumed - begin);
            return Outcome.NeedMore;
        }

        private Outcome LiteralHeader(ref SequenceReader<byte> reader)
        {
            var begin = reader.Consumed;
            if (!reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
            {
                return Outcome.NeedMore;
            }

            var header = Encoding.ASCII.GetString(reader.Sequence.Slice(begin, reader.Consumed - begin).ToArray());
            if (!header.EndsWith("}\r\n", StringComparison.Ordinal) || header.Length < 5)
            {
                reader.Rewind(1);
                return Malformed("Invalid literal");
            }

            var digits = header[1..^3].TrimEnd('+');
            if (digits.Length is 0 or > 10 || !digits.All(char.IsAsciiDigit) || !long.TryParse(digits, out var length) || length > uint.MaxValue)
            {
                // The line ended with the header: the client sends no literal after a line we cannot read.
                reader.Rewind(1);
                return Malformed("Invalid literal length");
            }

            _started = true;
            _inLiteral = true;
            _literalRemaining = length;
            _literalFilled = 0;
            if (_commandBytes + length <= limits.MaxCommandSize)
            {
                _literal = new byte[length];
            }
            else if (length <= limits.MaxSkippedLiteral)
            {
                _literal = null;
                LiteralDropped = true;
            }
            else
            {
                return Fatal("Literal too large");
            }

            return Outcome.Continue;
        }

        /// <summary>Takes what has arrived of the current literal; true when it is all there.</summary>
        private bool TakeLiteral(ref SequenceReader<byte> reader)
        {
            var take = Math.Min(_literalRemaining, reader.Remaining);
            if (_literal is not null)
            {
                reader.UnreadSequence.Slice(0, take).CopyTo(_literal.AsSpan(_literalFilled));
                _literalFilled += (int)take;
                _commandBytes += take;
            }

            reader.Advance(take);
            _literalRemaining -= take;
            if (_literalRemaining > 0)
            {
                return false;
            }

            _inLiteral = false;
            AddString(_literal ?? []);
            return true;
        }

        private void AddString(byte[] bytes)
        {
            _started = true;
            Arguments.Add(ManageSieveArgument.String(bytes));
        }

        private Outcome Malformed(string error)
        {
            Error = error;
            return Outcome.Malformed;
        }

        private Outcome Fatal(string error)
        {
            Error = error;
            return Outcome.Fatal;
        }
    }
}
