using OrleansMail.Imap.Protocol;
using OrleansMail.Imap.Protocol.Requests;

namespace OrleansMail.Fuzz.Targets;

/// <summary>
/// Drives the IMAP command parser the way the server does: the input arrives in segments whose size the first byte
/// chooses, streamed literals are consumed by the caller, every parsed argument goes through the sequence-set
/// and mailbox-name decoders, and every command through the request parser (the IMAP grammar: FETCH items,
/// SEARCH programs, LIST options …), which may refuse it only with a syntax error. Anything else thrown is a finding.
/// </summary>
public static class ImapParserTarget
{
    private static readonly ImapParserLimits Limits = new()
    {
        MaxLineLength = 512,
        MaxArgumentLiteral = 256,
        MaxStreamedLiteral = 4096,
        MaxNesting = 8,
        MaxTokens = 256,
    };

    /// <summary>Fragments that make random input look like IMAP, for the mutator's insertions.</summary>
    public static IReadOnlyList<string> Dictionary { get; } =
    [
        "a1 ", "UID ", "FETCH ", "STORE ", "SEARCH ", "APPEND INBOX ", "SELECT ", "LIST \"\" *", "LOGIN ", "AUTHENTICATE PLAIN ",
        "(", ")", "[", "]", "<", ">", "<0.10>", "\"", "\\", "{3}\r\n", "{0}\r\n", "{5+}\r\n", "~{4}\r\n", "{99999999999}\r\n",
        "\r\n", "\n", " ", "*", "%", "$", "1:*", "2,4:7", "BODY[HEADER.FIELDS (SUBJECT)]", "BODY.PEEK[1.2.MIME]", "NIL",
        "&AOk-", "&-", "&ZeVnLIqe-", "(\\Seen \\Deleted)", "CHANGEDSINCE 5", "\0", "\u00e9",
        "OR ", "NOT ", "HEADER ", "RETURN (MIN MAX SAVE) ", "MODSEQ ", "UNCHANGEDSINCE ", "+FLAGS.SILENT ", "(SUBSCRIBED RECURSIVEMATCH) ",
        "RETURN (STATUS (MESSAGES UIDNEXT)) ", "(QRESYNC (1 2 1:5 (1:3 4:6))) ", "(CONDSTORE) ", "BINARY[1]<0.5> ", "ENVELOPE ", "4294967295",
    ];

    public static void Run(byte[] input)
    {
        var parser = new ImapCommandParser(Limits);
        var chunk = input.Length == 0 ? 1 : 1 + (input[0] % 64);
        var segment = input.Length < 2 ? 1 : 1 + (input[1] % 16);

        // Refusing some streamed literals unread exercises the parser's skip path, as APPEND to a missing mailbox does.
        foreach (var result in ImapParserDriver.Feed(parser, input, chunk, segment, length => length % 3 == 1, 4 * (Limits.MaxLineLength + Limits.MaxArgumentLiteral)))
        {
            Check(result);
            if (result.Command is { } command)
            {
                Decode(command.Arguments);
                ParseRequest(command);
            }
        }
    }

    private static void Check(ImapParseResult result)
    {
        if (result.Status == ImapParseStatus.Error && string.IsNullOrEmpty(result.Error))
        {
            throw new InvalidOperationException("an error without a reason cannot be answered with BAD");
        }

        if (result.Status == ImapParseStatus.Command && result.Command is null)
        {
            throw new InvalidOperationException("a command result without a command");
        }
    }

    private static void Decode(IEnumerable<ImapToken> tokens)
    {
        foreach (var token in tokens)
        {
            if (token.IsList)
            {
                Decode(token.Items);
            }
            else if (token.IsAtom || token.Kind == ImapTokenKind.Quoted)
            {
                _ = ImapSequenceSet.TryParse(token.Text, out _);
                if (ModifiedUtf7.TryDecode(token.Text, out var name)
                    && !(ModifiedUtf7.TryDecode(ModifiedUtf7.Encode(name), out var again) && again == name))
                {
                    throw new InvalidOperationException($"modified UTF-7 does not round-trip: {token.Text}");
                }
            }
        }
    }

    private static void ParseRequest(ImapCommand command)
    {
        try
        {
            var request = ImapRequestParser.Parse(command);
            if (request.Tag != command.Tag || request.Uid != command.Uid)
            {
                throw new InvalidOperationException("a request lost its tag or its UID form");
            }
        }
        catch (ImapSyntaxException e) when (!string.IsNullOrEmpty(e.Message))
        {
            // A BAD with a reason: what a hostile command should get.
        }
    }
}
