using System.Buffers;
using System.Text;

namespace OrleansMail.Imap.Protocol;

/// <summary>
/// A pure, incremental IMAP command parser (RFC 3501 §9, RFC 7888): feed it whatever bytes arrived; it consumes
/// complete lines and literals and keeps its state between calls, so a command may arrive one byte at a time or in
/// many segments. It never touches a socket. Limits are checked before anything is buffered. APPEND's message
/// literal is not buffered: the parser stops and lets the caller stream it (<see cref="ImapParseStatus.StreamLiteral"/>).
/// </summary>
public sealed class ImapCommandParser(ImapParserLimits limits)
{
    private ImapParserLimits _limits = limits;
    private enum Mode
    {
        Line,
        LiteralData,
        AwaitingStream,
        SkipToEndOfLine,
        SkipLiteral,
    }

    private Mode _mode = Mode.Line;
    private List<ImapToken> _root = [];
    private readonly Stack<ImapToken> _open = new();
    private int _tokens;
    private byte[]? _literal;
    private int _literalFilled;
    private long _skipRemaining;
    private long _commandBytes;
    private long _skipped;

    /// <summary>The limits in force; a session tightens them before login and relaxes them after (between commands).</summary>
    public ImapParserLimits Limits
    {
        get => _limits;
        set => _limits = value;
    }

    /// <summary>The tag of the command being parsed, once its first line arrived.</summary>
    public string? CurrentTag => _root.Count > 0 && _root[0].IsAtom ? _root[0].Text : null;

    /// <summary>The arguments parsed so far (tag and command name excluded): what APPEND reads before its message streams.</summary>
    public IReadOnlyList<ImapToken> CurrentArguments => _root.Count > 2 ? _root.GetRange(2, _root.Count - 2) : [];

    /// <summary>
    /// For a command whose message literal is being streamed: how many arguments come before its mailbox (APPEND 0,
    /// REPLACE 1 for the message number, UID REPLACE 2); null for any other command.
    /// </summary>
    public int? MessageCommandPrefix =>
        _root.Count < 2 ? null
        : _root[1].Is("APPEND") ? 0
        : _root[1].Is("REPLACE") ? 1
        : _root[1].Is("UID") && _root.Count >= 3 && _root[2].Is("REPLACE") ? 2
        : null;

    /// <summary>Parses from <paramref name="buffer"/>, slicing off what it consumed.</summary>
    public ImapParseResult Parse(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            switch (_mode)
            {
                case Mode.AwaitingStream:
                    throw new InvalidOperationException("the caller must stream the literal and call ResumeAfterStreamedLiteral first");

                case Mode.SkipLiteral:
                    {
                        var take = Math.Min(_skipRemaining, buffer.Length);
                        buffer = buffer.Slice(take);
                        _skipRemaining -= take;
                        if ((_skipped += take) > SkipBudget)
                        {
                            return TooMuchToSkip(ref buffer);
                        }

                        if (_skipRemaining > 0)
                        {
                            return new ImapParseResult(ImapParseStatus.NeedMore);
                        }

                        _mode = Mode.SkipToEndOfLine;
                        continue;
                    }

                case Mode.SkipToEndOfLine:
                    {
                        var end = buffer.PositionOf((byte)'\n');
                        if (end is null)
                        {
                            // Keep only a short tail: enough to see a literal marker that ends the line.
                            var keep = Math.Min(buffer.Length, 24);
                            if ((_skipped += buffer.Length - keep) > SkipBudget)
                            {
                                return TooMuchToSkip(ref buffer);
                            }

                            buffer = buffer.Slice(buffer.Length - keep);
                            return new ImapParseResult(ImapParseStatus.NeedMore);
                        }

                        var line = buffer.Slice(0, end.Value);
                        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
                        if ((_skipped += line.Length + 1) > SkipBudget)
                        {
                            return TooMuchToSkip(ref buffer);
                        }

                        var marker = LiteralMarker(line);
                        if (marker is { Length: var n, Synchronizing: false })
                        {
                            // RFC 7888 §4: the client sends a non-synchronizing literal anyway; eat it too.
                            _skipRemaining = n;
                            _mode = Mode.SkipLiteral;
                            continue;
                        }

                        _skipped = 0;
                        _mode = Mode.Line;
                        continue;
                    }

                case Mode.LiteralData:
                    {
                        var need = _literal!.Length - _literalFilled;
                        var take = (int)Math.Min(need, buffer.Length);
                        buffer.Slice(0, take).CopyTo(_literal.AsSpan(_literalFilled));
                        buffer = buffer.Slice(take);
                        _literalFilled += take;
                        if (_literalFilled < _literal.Length)
                        {
                            return new ImapParseResult(ImapParseStatus.NeedMore);
                        }

                        Add(ImapToken.Literal(_literal));
                        _literal = null;
                        _mode = Mode.Line;
                        continue;
                    }

                case Mode.Line:
                    {
                        var end = buffer.PositionOf((byte)'\n');
                        if (end is null)
                        {
                            if (buffer.Length > LineBudget)
                            {
                                var tag = CurrentTag ?? FirstAtom(buffer);
                                Reset();
                                _mode = Mode.SkipToEndOfLine;
                                buffer = buffer.Slice(buffer.Length);
                                return Failure(tag, "Command line too long", code: "TOOBIG");
                            }

                            return new ImapParseResult(ImapParseStatus.NeedMore);
                        }

                        var lineLength = buffer.Slice(0, end.Value).Length;
                        if (lineLength > LineBudget)
                        {
                            var tag = CurrentTag ?? FirstAtom(buffer);
                            Reset();
                            _mode = Mode.SkipToEndOfLine;
                            return Failure(tag, "Command line too long", code: "TOOBIG");
                        }

                        _commandBytes += lineLength + 1;

                        var bytes = buffer.Slice(0, end.Value).ToArray();
                        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
                        var length = bytes.Length > 0 && bytes[^1] == '\r' ? bytes.Length - 1 : bytes.Length;
                        var result = ParseLine(bytes.AsSpan(0, length));
                        if (result.Status == ImapParseStatus.NeedMore)
                        {
                            continue; // a buffered literal follows: LiteralData mode was set
                        }

                        return result;
                    }
            }
        }
    }

    /// <summary>Records the streamed literal as an argument and goes on with the rest of the command line.</summary>
    public void ResumeAfterStreamedLiteral()
    {
        if (_mode != Mode.AwaitingStream)
        {
            throw new InvalidOperationException("no literal is being streamed");
        }

        Add(ImapToken.Streamed());
        _mode = Mode.Line;
    }

    /// <summary>
    /// Abandons a command whose streamed literal the caller refused without reading it; a non-synchronizing literal
    /// is still on its way and is skipped with the rest of its command.
    /// </summary>
    public void AbandonStreamedLiteral(long length, bool synchronizing)
    {
        Reset();
        if (!synchronizing)
        {
            _skipRemaining = length;
            _mode = Mode.SkipLiteral;
        }
    }

    private ImapParseResult ParseLine(ReadOnlySpan<byte> line)
    {
        var position = 0;
        while (position < line.Length)
        {
            var b = line[position];
            if (b == ' ')
            {
                position++;
                continue;
            }

            if (_tokens >= _limits.MaxTokens)
            {
                return Skip(line, "Too many arguments");
            }

            switch (b)
            {
                case (byte)'(':
                    if (_open.Count >= _limits.MaxNesting)
                    {
                        return Skip(line, "Lists nested too deeply");
                    }

                    var list = ImapToken.List();
                    Add(list);
                    _open.Push(list);
                    position++;
                    break;

                case (byte)')':
                    if (_open.Count == 0)
                    {
                        return Skip(line, "Unexpected ')'");
                    }

                    _open.Pop();
                    position++;
                    break;

                case (byte)'"':
                    {
                        var bytes = new List<byte>();
                        position++;
                        var closed = false;
                        while (position < line.Length)
                        {
                            var c = line[position++];
                            if (c == '\\' && position < line.Length)
                            {
                                bytes.Add(line[position++]);
                            }
                            else if (c == '"')
                            {
                                closed = true;
                                break;
                            }
                            else
                            {
                                bytes.Add(c);
                            }
                        }

                        if (!closed)
                        {
                            return Skip(line, "Unterminated quoted string");
                        }

                        Add(ImapToken.Quoted(Encoding.UTF8.GetString([.. bytes])));
                        break;
                    }

                case (byte)'{':
                case (byte)'~' when position + 1 < line.Length && line[position + 1] == '{':
                    {
                        var marker = LiteralMarker(line[position..]);
                        if (marker is null)
                        {
                            return Skip(line, "A literal must end its line as {n} or {n+}");
                        }

                        return StartLiteral(line, marker.Value.Length, marker.Value.Synchronizing);
                    }

                default:
                    {
                        if (b < 0x20 || b == 0x7f)
                        {
                            return Skip(line, "Control character in command");
                        }

                        var start = position;
                        var depth = 0;
                        while (position < line.Length)
                        {
                            var c = line[position];
                            if (c == '[')
                            {
                                depth++;
                            }
                            else if (c == ']' && depth > 0)
                            {
                                depth--;
                            }
                            else if (depth == 0 && (c == ' ' || c == '(' || c == ')'))
                            {
                                break;
                            }

                            position++;
                        }

                        Add(ImapToken.Atom(Encoding.UTF8.GetString(line[start..position])));
                        break;
                    }
            }
        }

        if (_open.Count > 0)
        {
            return Skip(line, "Unbalanced parentheses");
        }

        return Complete();
    }

    private ImapParseResult StartLiteral(ReadOnlySpan<byte> line, long length, bool synchronizing)
    {
        if ((_open.Count == 0 || OpensUtf8Message) && MessageCommandPrefix is { } prefix && _root.Count >= 3 + prefix)
        {
            if (length > _limits.MaxStreamedLiteral)
            {
                var tag = CurrentTag;
                AbandonStreamedLiteral(length, synchronizing);
                return synchronizing || length <= _limits.MaxStreamedLiteral * 2
                    ? Failure(tag, "Message too large", code: "TOOBIG")
                    : Failure(tag, "Message too large", fatal: true, code: "TOOBIG");
            }

            _mode = Mode.AwaitingStream;
            return new ImapParseResult(ImapParseStatus.StreamLiteral, Tag: CurrentTag, LiteralLength: length, LiteralSynchronizing: synchronizing);
        }

        if (length > _limits.MaxArgumentLiteral || _commandBytes + length > _limits.MaxCommandSize)
        {
            var tag = CurrentTag ?? FirstAtom(line);
            Reset();
            if (!synchronizing)
            {
                // RFC 7888 §4: the bytes are coming anyway. Skip a modest excess; past that, close rather than
                // read (say) the terabytes a client announced.
                if (length > Math.Min((long)_limits.MaxArgumentLiteral, _limits.MaxCommandSize) * _limits.SkipFactor)
                {
                    return Failure(tag, "Literal too large", fatal: true, code: "TOOBIG");
                }

                _skipRemaining = length;
                _mode = Mode.SkipLiteral;
            }

            return Failure(tag, "Literal too large", code: "TOOBIG");
        }

        _commandBytes += length;
        _literal = new byte[length];
        _literalFilled = 0;
        _mode = Mode.LiteralData;
        return synchronizing
            ? new ImapParseResult(ImapParseStatus.NeedContinuation, Tag: CurrentTag, LiteralLength: length, LiteralSynchronizing: true)
            : new ImapParseResult(ImapParseStatus.NeedMore);
    }

    /// <summary>
    /// How much of one refused command is read and thrown away before the connection is closed instead: a client
    /// that keeps a refused command going (literal after literal) is not one that wants an answer.
    /// </summary>
    private long SkipBudget => Math.Max(_limits.MaxLineLength, _limits.MaxCommandSize) * _limits.SkipFactor;

    private ImapParseResult TooMuchToSkip(ref ReadOnlySequence<byte> buffer)
    {
        buffer = buffer.Slice(buffer.Length);
        _skipped = 0;
        Reset();
        return Failure(null, "Command too large", fatal: true, code: "TOOBIG");
    }

    /// <summary>
    /// The literal8 that opens RFC 6855's "UTF8 (" message of APPEND or REPLACE: streamed like a plain message
    /// literal, the ")" after it read as the rest of the line.
    /// </summary>
    private bool OpensUtf8Message =>
        _open.Count == 1 && _open.Peek().Items.Count == 0 && _root.Count >= 2 && ReferenceEquals(_root[^1], _open.Peek()) && _root[^2].Is("UTF8");

    /// <summary>What the next line may take: the line limit, or less when the command has spent most of its budget.</summary>
    private long LineBudget => Math.Min(_limits.MaxLineLength, Math.Max(0, _limits.MaxCommandSize - _commandBytes));

    private ImapParseResult Complete()
    {
        var root = _root;
        Reset();
        if (root.Count == 0)
        {
            return Failure(null, "Empty command");
        }

        if (!root[0].IsAtom || !IsValidTag(root[0].Text))
        {
            return Failure(null, "Invalid tag");
        }

        var tag = root[0].Text;
        if (root.Count < 2 || !root[1].IsAtom)
        {
            return Failure(tag, "Missing command");
        }

        var name = root[1].Text.ToUpperInvariant();
        if (name == "UID")
        {
            if (root.Count < 3 || !root[2].IsAtom)
            {
                return Failure(tag, "UID needs a command");
            }

            return new ImapParseResult(ImapParseStatus.Command, new ImapCommand(tag, root[2].Text.ToUpperInvariant(), true, root.GetRange(3, root.Count - 3)));
        }

        return new ImapParseResult(ImapParseStatus.Command, new ImapCommand(tag, name, false, root.GetRange(2, root.Count - 2)));
    }

    private ImapParseResult Skip(ReadOnlySpan<byte> line, string error)
    {
        var tag = CurrentTag ?? FirstAtom(line);
        Reset();
        var marker = LiteralMarker(line);
        if (marker is { Synchronizing: false })
        {
            _skipRemaining = marker.Value.Length;
            _mode = Mode.SkipLiteral;
        }

        return Failure(tag, error);
    }

    private static ImapParseResult Failure(string? tag, string error, bool fatal = false, string? code = null) =>
        new(ImapParseStatus.Error, Tag: tag is not null && IsValidTag(tag) ? tag : null, Error: error, Fatal: fatal, ErrorCode: code);

    private void Add(ImapToken token)
    {
        _tokens++;
        if (_open.Count > 0)
        {
            _open.Peek().Items.Add(token);
        }
        else
        {
            _root.Add(token);
        }
    }

    private void Reset()
    {
        _root = [];
        _open.Clear();
        _tokens = 0;
        _commandBytes = 0;
        _literal = null;
        _mode = Mode.Line;
    }

    /// <summary>RFC 3501: tag = 1*&lt;any ASTRING-CHAR except "+"&gt;.</summary>
    private static bool IsValidTag(string tag)
    {
        if (tag.Length == 0 || tag.Length > 64)
        {
            return false;
        }

        foreach (var c in tag)
        {
            if (c <= ' ' || c >= 0x7f || c is '+' or '(' or ')' or '{' or '%' or '*' or '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    private static string? FirstAtom(ReadOnlySequence<byte> buffer)
    {
        var head = buffer.Slice(0, Math.Min(buffer.Length, 65));
        return FirstAtom(head.ToArray());
    }

    private static string? FirstAtom(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var atom = space < 0 ? line : line[..space];
        if (atom.Length is 0 or > 64)
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(atom);
        return IsValidTag(text) ? text : null;
    }

    private static (long Length, bool Synchronizing)? LiteralMarker(ReadOnlySequence<byte> line)
    {
        var tail = line.Slice(Math.Max(0, line.Length - 24)).ToArray();
        var length = tail.Length > 0 && tail[^1] == '\r' ? tail.Length - 1 : tail.Length;
        var open = Array.LastIndexOf(tail, (byte)'{', Math.Max(0, length - 1));
        return open < 0 ? null : LiteralMarker(tail.AsSpan(open, length - open));
    }

    /// <summary>Parses "{n}", "{n+}" or "~{n}" when it is all that is left of the line.</summary>
    private static (long Length, bool Synchronizing)? LiteralMarker(ReadOnlySpan<byte> rest)
    {
        if (rest.Length > 0 && rest[0] == '~')
        {
            rest = rest[1..];
        }

        if (rest.Length < 3 || rest[0] != '{' || rest[^1] != '}')
        {
            return null;
        }

        var digits = rest[1..^1];
        var synchronizing = true;
        if (digits.Length > 0 && digits[^1] == '+')
        {
            synchronizing = false;
            digits = digits[..^1];
        }

        if (digits.Length is 0 or > 12)
        {
            return null;
        }

        long n = 0;
        foreach (var d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9')
            {
                return null;
            }

            n = (n * 10) + (d - '0');
        }

        return (n, synchronizing);
    }
}
