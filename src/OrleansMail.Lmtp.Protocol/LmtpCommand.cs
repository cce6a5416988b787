namespace OrleansMail.Lmtp.Protocol;

/// <summary>
/// One parsed command line: the verb, and for MAIL/RCPT the path and ESMTP parameters, for BDAT the chunk size
/// and LAST, for LHLO the client's name.
/// </summary>
public sealed record LmtpCommand(LmtpVerb Verb, string Argument)
{
    public string? Path { get; init; }

    public IReadOnlyDictionary<string, string?> Parameters { get; init; } = new Dictionary<string, string?>();

    public long ChunkSize { get; init; }

    public bool Last { get; init; }

    /// <summary>Parses a command line (without its CRLF). False with a reply-ready reason when the syntax is wrong.</summary>
    public static bool TryParse(string line, out LmtpCommand command, out LmtpReply? error)
    {
        error = null;
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verbText = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..].Trim();
        var verb = verbText switch
        {
            "LHLO" => LmtpVerb.Lhlo,
            "HELO" => LmtpVerb.Helo,
            "EHLO" => LmtpVerb.Ehlo,
            "MAIL" => LmtpVerb.Mail,
            "RCPT" => LmtpVerb.Rcpt,
            "DATA" => LmtpVerb.Data,
            "BDAT" => LmtpVerb.Bdat,
            "RSET" => LmtpVerb.Rset,
            "NOOP" => LmtpVerb.Noop,
            "QUIT" => LmtpVerb.Quit,
            "VRFY" => LmtpVerb.Vrfy,
            _ => LmtpVerb.Unknown,
        };
        command = new LmtpCommand(verb, argument);
        switch (verb)
        {
            case LmtpVerb.Mail:
                return TryParsePath(argument, "FROM:", allowEmpty: true, ref command, out error);
            case LmtpVerb.Rcpt:
                return TryParsePath(argument, "TO:", allowEmpty: false, ref command, out error);
            case LmtpVerb.Bdat:
                {
                    var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length is < 1 or > 2
                        || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
                        || (parts.Length == 2 && !parts[1].Equals("LAST", StringComparison.OrdinalIgnoreCase)))
                    {
                        error = LmtpReply.SyntaxError("Syntax: BDAT <size> [LAST]");
                        return false;
                    }

                    command = command with { ChunkSize = size, Last = parts.Length == 2 };
                    return true;
                }

            case LmtpVerb.Lhlo or LmtpVerb.Helo or LmtpVerb.Ehlo when argument.Length == 0:
                error = LmtpReply.SyntaxError("Missing hostname");
                return false;
            case LmtpVerb.Data or LmtpVerb.Rset or LmtpVerb.Quit when argument.Length > 0:
                error = LmtpReply.SyntaxError("No parameters allowed");
                return false;
            default:
                return true;
        }
    }

    private static bool TryParsePath(string argument, string prefix, bool allowEmpty, ref LmtpCommand command, out LmtpReply? error)
    {
        error = null;
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            error = LmtpReply.SyntaxError($"Syntax: {(prefix == "FROM:" ? "MAIL FROM:<address>" : "RCPT TO:<address>")}");
            return false;
        }

        var rest = argument[prefix.Length..].TrimStart();
        if (!rest.StartsWith('<'))
        {
            error = LmtpReply.SyntaxError("Address must be in angle brackets");
            return false;
        }

        var close = rest.IndexOf('>', StringComparison.Ordinal);
        if (close < 0)
        {
            error = LmtpReply.SyntaxError("Unterminated address");
            return false;
        }

        var path = rest[1..close];

        // A source route ("<@a,@b:user@c>", RFC 5321 §4.1.2) is accepted and ignored.
        var colon = path.StartsWith('@') ? path.IndexOf(':', StringComparison.Ordinal) : -1;
        if (colon > 0)
        {
            path = path[(colon + 1)..];
        }

        if (!allowEmpty && path.Length == 0)
        {
            error = LmtpReply.SyntaxError("Empty recipient");
            return false;
        }

        if (path.Any(char.IsControl) || path.Contains(' ', StringComparison.Ordinal))
        {
            error = LmtpReply.SyntaxError("Invalid address");
            return false;
        }

        var parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            parameters[eq < 0 ? p : p[..eq]] = eq < 0 ? null : p[(eq + 1)..];
        }

        command = command with { Path = path, Parameters = parameters };
        return true;
    }
}
