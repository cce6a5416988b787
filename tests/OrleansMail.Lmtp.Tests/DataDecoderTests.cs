using System.Buffers;
using System.Text;
using OrleansMail.Lmtp.Protocol;
using Xunit;

namespace OrleansMail.Lmtp.Tests;

/// <summary>DATA transparency decoding fed whole, byte at a time, and at every split point.</summary>
public sealed class DataDecoderTests
{
    [Theory]
    [InlineData("Hello\r\n.\r\n", "Hello\r\n")]
    [InlineData("..leading dot\r\n.\r\n", ".leading dot\r\n")]
    [InlineData("a\r\n...\r\n.\r\n", "a\r\n..\r\n")]
    [InlineData("bare\nlf\n.\n", "bare\r\nlf\r\n")]
    [InlineData("cr\ronly\r\n.\r\n", "cr\ronly\r\n")]
    [InlineData(".\r\n", "")]
    [InlineData("x.\r\n.y\r\n.\r\n", "x.\r\ny\r\n")]
    [InlineData("end\r\n.\r\nNEXT COMMAND\r\n", "end\r\n")]
    public void Decodes_in_one_piece_and_in_any_slicing(string wire, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(wire);
        foreach (var split in Enumerable.Range(0, bytes.Length + 1))
        {
            var decoder = new DataDecoder();
            var output = new ArrayBufferWriter<byte>();
            var first = new ReadOnlySequence<byte>(bytes, 0, split);
            decoder.Decode(ref first, output);
            var consumed = split - (int)first.Length;
            if (!decoder.Done)
            {
                var second = new ReadOnlySequence<byte>(bytes, consumed, bytes.Length - consumed);
                decoder.Decode(ref second, output);
                consumed = bytes.Length - (int)second.Length;
            }

            Assert.True(decoder.Done);
            Assert.Equal(expected, Encoding.ASCII.GetString(output.WrittenSpan));
            Assert.Equal(wire.EndsWith("NEXT COMMAND\r\n", StringComparison.Ordinal) ? wire.Length - 14 : wire.Length, consumed);
        }

        var byteByByte = new DataDecoder();
        var result = new ArrayBufferWriter<byte>();
        foreach (var b in bytes)
        {
            if (byteByByte.Done)
            {
                break;
            }

            var one = new ReadOnlySequence<byte>(new[] { b });
            byteByByte.Decode(ref one, result);
        }

        Assert.Equal(expected, Encoding.ASCII.GetString(result.WrittenSpan));
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.c> SIZE=100 BODY=8BITMIME", LmtpVerb.Mail, "a@b.c")]
    [InlineData("mail from:<>", LmtpVerb.Mail, "")]
    [InlineData("RCPT TO:<@relay.example:user@example.org>", LmtpVerb.Rcpt, "user@example.org")]
    [InlineData("RCPT TO:<用户@例子.广告>", LmtpVerb.Rcpt, "用户@例子.广告")]
    public void Paths_and_parameters_parse(string line, LmtpVerb verb, string path)
    {
        Assert.True(LmtpCommand.TryParse(line, out var command, out _));
        Assert.Equal(verb, command.Verb);
        Assert.Equal(path, command.Path);
    }

    [Theory]
    [InlineData("MAIL FROM:a@b.c")]
    [InlineData("RCPT TO:<>")]
    [InlineData("RCPT TO:<unterminated")]
    [InlineData("RCPT <x@y>")]
    [InlineData("BDAT x")]
    [InlineData("BDAT 10 NOTLAST")]
    [InlineData("LHLO")]
    [InlineData("DATA now")]
    public void Bad_syntax_gets_a_501(string line)
    {
        Assert.False(LmtpCommand.TryParse(line, out _, out var error));
        Assert.Equal(501, error!.Code);
    }

    [Fact]
    public void An_over_long_line_is_reported_once_and_skipped()
    {
        var skipping = false;
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('x', 100)));
        Assert.Equal(LmtpLineReader.Result.TooLong, LmtpLineReader.TryRead(ref buffer, 50, ref skipping, out _));
        buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('x', 100) + "\r\nNOOP\r\n"));
        Assert.Equal(LmtpLineReader.Result.NeedMore, LmtpLineReader.TryRead(ref buffer, 50, ref skipping, out _));
        Assert.Equal(LmtpLineReader.Result.Line, LmtpLineReader.TryRead(ref buffer, 50, ref skipping, out var line));
        Assert.Equal("NOOP", line);
    }
}
