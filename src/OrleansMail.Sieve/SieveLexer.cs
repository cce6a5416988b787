using System.Text;

namespace OrleansMail.Sieve;

/// <summary>
/// Splits a script into tokens (RFC 5228 §8.1): comments and white space dropped, quoted strings unescaped,
/// multi-line strings ("text:" ... ".") dot-unstuffed, numbers multiplied by their K/M/G quantifier. Lines may end in
/// CRLF or a bare LF, as scripts written on Unix do.
/// </summary>
public sealed class SieveLexer(string source)
{
    private int _at;
    private int _line = 1;
    private int _lineStart;

    public List<SieveToken> ReadAll()
    {
        var tokens = new List<SieveToken>();
        SieveToken token;
        do
        {
            token = Next();
            tokens.Add(token);
        }
        while (token.Kind != SieveTokenKind.End);

        return tokens;
    }

    private SievePosition Here => new(_line, _at - _lineStart + 1);

    private SieveToken Next()
    {
        SkipBlanks();
        var position = Here;
        if (_at >= source.Length)
        {
            return new SieveToken(SieveTokenKind.End, "", 0, position);
        }

        var c = source[_at];
        var mark = c switch
        {
            '[' => SieveTokenKind.LeftBracket,
            ']' => SieveTokenKind.RightBracket,
            '(' => SieveTokenKind.LeftParen,
            ')' => SieveTokenKind.RightParen,
            ',' => SieveTokenKind.Comma,
            ';' => SieveTokenKind.Semicolon,
            '{' => SieveTokenKind.LeftBrace,
            '}' => SieveTokenKind.RightBrace,
            _ => (SieveTokenKind?)null,
        };
        if (mark is { } kind)
        {
            _at++;
            return new SieveToken(kind, c.ToString(), 0, position);
        }

        if (c == '"')
        {
            return new SieveToken(SieveTokenKind.String, QuotedString(position), 0, position);
        }

        if (c == ':')
        {
            _at++;
            if (_at >= source.Length || !IsIdentifierStart(source[_at]))
            {
                throw new SieveScriptException("a tag needs a name after the colon", position);
            }

            return new SieveToken(SieveTokenKind.Tag, Identifier(), 0, position);
        }

        if (char.IsAsciiDigit(c))
        {
            return new SieveToken(SieveTokenKind.Number, "", Number(position), position);
        }

        if (IsIdentifierStart(c))
        {
            var name = Identifier();
            if (name == "text" && _at < source.Length && source[_at] == ':')
            {
                _at++;
                return new SieveToken(SieveTokenKind.String, MultiLineString(position), 0, position);
            }

            return new SieveToken(SieveTokenKind.Identifier, name, 0, position);
        }

        throw new SieveScriptException($"unexpected character '{Printable(c)}'", position);
    }

    private void SkipBlanks()
    {
        while (_at < source.Length)
        {
            var c = source[_at];
            if (c is ' ' or '\t' or '\r')
            {
                _at++;
            }
            else if (c == '\n')
            {
                NewLine();
            }
            else if (c == '#')
            {
                while (_at < source.Length && source[_at] != '\n')
                {
                    _at++;
                }
            }
            else if (c == '/' && _at + 1 < source.Length && source[_at + 1] == '*')
            {
                var start = Here;
                _at += 2;
                while (_at < source.Length && !(source[_at] == '*' && _at + 1 < source.Length && source[_at + 1] == '/'))
                {
                    if (source[_at] == '\n')
                    {
                        NewLine();
                    }
                    else
                    {
                        _at++;
                    }
                }

                if (_at >= source.Length)
                {
                    throw new SieveScriptException("a comment is not closed with */", start);
                }

                _at += 2;
            }
            else
            {
                return;
            }
        }
    }

    private void NewLine()
    {
        _at++;
        _line++;
        _lineStart = _at;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private string Identifier()
    {
        var start = _at;
        while (_at < source.Length && (char.IsAsciiLetterOrDigit(source[_at]) || source[_at] == '_'))
        {
            _at++;
        }

        // Names are case-insensitive (RFC 5228 §2.9): one spelling from here on.
        return source[start.._at].ToLowerInvariant();
    }

    private long Number(SievePosition position)
    {
        long value = 0;
        while (_at < source.Length && char.IsAsciiDigit(source[_at]))
        {
            value = (value * 10) + (source[_at++] - '0');
            if (value > uint.MaxValue)
            {
                throw new SieveScriptException("number too large", position);
            }
        }

        if (_at < source.Length)
        {
            var shift = char.ToUpperInvariant(source[_at]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
            if (shift > 0)
            {
                _at++;
                value <<= shift;
            }
        }

        if (_at < source.Length && IsIdentifierStart(source[_at]))
        {
            throw new SieveScriptException("a number may only be followed by K, M or G", Here);
        }

        return value;
    }

    private string QuotedString(SievePosition position)
    {
        var text = new StringBuilder();
        _at++;
        while (true)
        {
            if (_at >= source.Length)
            {
                throw new SieveScriptException("a string is not closed with \"", position);
            }

            var c = source[_at];
            if (c == '"')
            {
                _at++;
                return text.ToString();
            }

            if (c == '\\' && _at + 1 < source.Length)
            {
                // RFC 5228 §2.4.2: \" and \\ stand for themselves; any other escaped character too.
                _at++;
                c = source[_at];
            }

            if (c == '\n')
            {
                text.Append('\n');
                NewLine();
                continue;
            }

            text.Append(c);
            _at++;
        }
    }

    private string MultiLineString(SievePosition position)
    {
        while (_at < source.Length && source[_at] is ' ' or '\t')
        {
            _at++;
        }

        if (_at < source.Length && source[_at] == '#')
        {
            while (_at < source.Length && source[_at] != '\n')
            {
                _at++;
            }
        }

        if (_at < source.Length && source[_at] == '\r')
        {
            _at++;
        }

        if (_at >= source.Length || source[_at] != '\n')
        {
            throw new SieveScriptException("text: must end its line", position);
        }

        NewLine();
        var text = new StringBuilder();
        while (true)
        {
            if (_at >= source.Length)
            {
                throw new SieveScriptException("a multi-line string is not closed with a line holding only \".\"", position);
            }

            var end = source.IndexOf('\n', _at);
            var line = end < 0 ? source[_at..] : source[_at..end];
            line = line.TrimEnd('\r');
            _at = end < 0 ? source.Length : end;
            if (end >= 0)
            {
                NewLine();
            }

            if (line == ".")
            {
                return text.ToString();
            }

            // Dot-stuffing (RFC 5228 §2.4.2): a line that starts with a dot had a second one put in front of it.
            text.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }
    }

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
