using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using OrleansMail.Fuzz.Targets;
using OrleansMail.Imap.Protocol;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>The pure parser fed whole, byte at a time and in many segments: all three must agree (docs/architecture.md, house rules).</summary>
public sealed class ParserTests
{
    private static readonly ImapParserLimits Limits = new() { MaxLineLength = 200, MaxArgumentLiteral = 100, MaxStreamedLiteral = 1000 };

    /// <summary>Feeds <paramref name="input"/> in pieces of <paramref name="chunk"/> bytes and records every result.</summary>
    private static List<ImapParseResult> Feed(string input, int chunk, ImapParserLimits? limits = null) =>
        ImapParserDriver.Feed(new ImapCommandParser(limits ?? Limits), Encoding.UTF8.GetBytes(input), chunk, segmentLength: 1);

    private static string Describe(List<ImapParseResult> results) => string.Join(" | ", results.Select(r => r.Status switch
    {
        ImapParseStatus.Command => $"{r.Command!.Tag} {(r.Command.Uid ? "UID " : "")}{r.Command.Name} {string.Join(' ', r.Command.Arguments)}".TrimEnd(),
        ImapParseStatus.Error => $"ERROR {r.Tag ?? "*"} {r.Error}",
        _ => $"{r.Status} {r.LiteralLength}",
    }));

    [Theory]
    [InlineData("a1 NOOP\r\n", "a1 NOOP")]
    [InlineData("a1 login alice \"se cr\\\"et\"\r\n", "a1 LOGIN alice \"se cr\"et\"")]
    [InlineData("a2 uid fetch 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From To)]<0.100>)\r\n", "a2 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From To)]<0.100>)")]
    [InlineData("a3 LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n", "a3 LOGIN {5} {6}")]
    [InlineData("a4 SELECT {5}\r\nINBOX\r\n", "NeedContinuation 5 | a4 SELECT {5}")]
    [InlineData("a5 STORE 1 +FLAGS (\\Seen $Junk)\n", "a5 STORE 1 +FLAGS (\\Seen $Junk)")]
    [InlineData("a6 LIST \"\" [Gmail]/%\r\n", "a6 LIST \"\" [Gmail]/%")]
    [InlineData("a7 APPEND INBOX (\\Seen) {11}\r\nhello world\r\n", "StreamLiteral 11 | a7 APPEND INBOX (\\Seen) {streamed}")]
    [InlineData("a8 APPEND INBOX {3+}\r\nabc {2+}\r\nde\r\n", "StreamLiteral 3 | StreamLiteral 2 | a8 APPEND INBOX {streamed} {streamed}")]
    public void Commands_parse_the_same_whole_byte_by_byte_and_segmented(string input, string expected)
    {
        foreach (var chunk in new[] { input.Length, 1, 3, 7 })
        {
            Assert.Equal(expected, Describe(Feed(input, chunk)));
        }
    }

    [Theory]
    [InlineData("a1 FETCH 1 (FLAGS\r\na2 NOOP\r\n", "ERROR a1 Unbalanced parentheses | a2 NOOP")]
    [InlineData("a1 LOGIN \"open\r\na2 NOOP\r\n", "ERROR a1 Unterminated quoted string | a2 NOOP")]
    [InlineData("+bad NOOP\r\na2 NOOP\r\n", "ERROR * Invalid tag | a2 NOOP")]
    [InlineData("\r\na2 NOOP\r\n", "ERROR * Empty command | a2 NOOP")]
    [InlineData("a1 LOGIN {500}\r\na2 NOOP\r\n", "ERROR a1 Literal too large | a2 NOOP")]
    [InlineData("a1 APPEND INBOX {5000}\r\na2 NOOP\r\n", "ERROR a1 Message too large | a2 NOOP")]
    public void Bad_input_is_reported_with_its_tag_and_parsing_goes_on(string input, string expected)
    {
        foreach (var chunk in new[] { input.Length, 1, 5 })
        {
            Assert.Equal(expected, Describe(Feed(input, chunk)));
        }
    }

    [Fact]
    public void A_refused_non_synchronizing_literal_is_skipped_whole()
    {
        var input = "a1 LOGIN {500+}\r\n" + new string('x', 500) + " pw\r\na2 NOOP\r\n";
        foreach (var chunk in new[] { input.Length, 1, 13 })
        {
            Assert.Equal("ERROR a1 Literal too large | a2 NOOP", Describe(Feed(input, chunk)));
        }
    }

    [Fact]
    public void An_overlong_line_is_refused_before_it_is_buffered_and_the_next_command_parses()
    {
        var input = "a1 NOOP " + new string('x', 1000) + "\r\na2 NOOP\r\n";
        var results = Feed(input, 16);
        Assert.Equal("ERROR a1 Command line too long | a2 NOOP", Describe(results));
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_refused()
    {
        var input = "a1 X " + new string('(', 40) + new string(')', 40) + "\r\n";
        Assert.StartsWith("ERROR a1 Lists nested too deeply", Describe(Feed(input, input.Length)));
    }

    [Fact]
    public void Sequence_sets_parse_and_resolve_star()
    {
        Assert.True(ImapSequenceSet.TryParse("1:3,7,9:*", out var set));
        Assert.Equal([(1u, 3u), (7u, 7u), (9u, 12u)], set.Resolve(12).ToArray());
        Assert.True(ImapSequenceSet.TryParse("*:4", out set));
        Assert.Equal([(4u, 10u)], set.Resolve(10).ToArray());
        Assert.False(ImapSequenceSet.TryParse("0", out _));
        Assert.False(ImapSequenceSet.TryParse("1,,2", out _));
        Assert.False(ImapSequenceSet.TryParse("01", out _));
    }

    [Theory]
    [InlineData("Entwürfe", "Entw&APw-rfe")]
    [InlineData("A&B", "A&-B")]
    [InlineData("日本語", "&ZeVnLIqe-")]
    [InlineData("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    public void Mailbox_names_round_trip_through_modified_utf7(string name, string wire)
    {
        Assert.Equal(wire, ModifiedUtf7.Encode(name));
        Assert.True(ModifiedUtf7.TryDecode(wire, out var decoded));
        Assert.Equal(name, decoded);
    }

    [Fact]
    public void Random_bytes_never_throw_out_of_the_parser()
    {
        var property = Prop.ForAll(
            Gen.Elements("a1 ", "FETCH ", "(", ")", "\"", "\\", "{3}\r\n", "{2+}\r\n", "~{1}\r\n", "[", "]", "<1.2>", " ", "\r\n", "\n", "x", "*", "%", "APPEND INBOX ", "{99999999999999}\r\n", "\0", "\u00e9")
                .ArrayOf().Select(parts => string.Concat(parts)).ToArbitrary(),
            Gen.Choose(1, 9).ToArbitrary(),
            (input, chunk) =>
            {
                var results = Feed(input, chunk, Limits with { MaxLineLength = 64, MaxNesting = 4 });
                return results.All(r => r.Status != ImapParseStatus.Error || r.Error is not null);
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }
}
