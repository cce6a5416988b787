using System.Text;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>
/// A corpus of hostile inputs, kept as regression tests: each is sent to the real server over a socket; the server
/// must answer (BAD, NO or BYE), never crash, hang or lose the session, and the next command must work (unless it
/// closed the connection with BYE, which it may do only for input it cannot skip).
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class NastyInputTests(ImapHost host)
{
    public static TheoryData<string, string> Corpus() => new()
    {
        { "nul bytes", "\0\0\0\r\n" },
        { "control characters", "a1 NOOP \u0001\u0002\r\n" },
        { "only a tag", "a1\r\n" },
        { "unbalanced lists", "a1 FETCH 1 ((((FLAGS\r\n" },
        { "lists nested too deep", "a1 FETCH 1 " + new string('(', 200) + new string(')', 200) + "\r\n" },
        { "overlong line", "a1 LOGIN " + new string('x', 70_000) + " y\r\n" },
        { "huge synchronizing literal", "a1 LOGIN {99999999999}\r\n" },
        { "huge non-synchronizing literal", "a1 LOGIN {99999999999+}\r\n" },
        { "literal marker mid-line", "a1 LOGIN {5} user\r\n" },
        { "bad literal marker", "a1 LOGIN {5x}\r\n" },
        { "8-bit garbage", "a1 \u00ff\u00fe\u00fd SELECT\r\n" },
        { "bare LF lines", "a1 NOOP\na2 NOOP\n" },
        { "endless OR", "a1 SEARCH " + string.Concat(Enumerable.Repeat("OR ", 15_000)) + "ALL ALL\r\n" },
        { "endless NOT", "a1 SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 15_000)) + "ALL\r\n" },
        { "sequence set extremes", "a1 FETCH 1:4294967295,0,*:* FLAGS\r\n" },
        { "deep section", "a1 FETCH 1 BODY[1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.HEADER]\r\n" },
        { "partial overflow", "a1 FETCH 1 BODY[]<99999999999999999999.1>\r\n" },
        { "APPEND without a message", "a1 APPEND INBOX (\\Seen)\r\n" },
        { "AUTHENTICATE garbage", "a1 AUTHENTICATE PLAIN !!!notbase64!!!\r\n" },
        { "IDLE then garbage", "a1 IDLE\r\nnot done\r\n" },
        { "UID alone", "a1 UID\r\n" },
        { "modified UTF-7 garbage", "a1 SELECT &AAA\r\n" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Hostile_input_gets_an_answer_and_the_server_carries_on(string name, string input)
    {
        var user = host.NewUser();
        await using var t = await host.TranscriptAsync();
        Assert.StartsWith("a0 OK", (await t.CommandAsync("a0", $"LOGIN {user} secret"))[^1]);
        await t.CommandAsync("a00", "SELECT INBOX");
        await t.SendAsync(Encoding.Latin1.GetString(Encoding.Latin1.GetBytes(input)));
        await t.SendAsync("z1 NOOP\r\n");
        var lines = new List<string>();
        try
        {
            while (true)
            {
                var line = await t.LineAsync(TimeSpan.FromSeconds(20));
                lines.Add(line);
                if (line.StartsWith("z1 ", StringComparison.Ordinal))
                {
                    Assert.Equal("z1 OK NOOP completed", line);
                    break;
                }
            }
        }
        catch (IOException)
        {
            Assert.True(lines.Any(l => l.StartsWith("* BYE", StringComparison.Ordinal)), $"{name}: connection dropped without BYE after: {string.Join(" | ", lines)}");
        }

        // The input was answered: a tagged answer (some inputs are merely unusual and get OK), BAD, BYE or a continuation.
        Assert.True(lines.Any(l => l.StartsWith("a1 ", StringComparison.Ordinal) || l.StartsWith("* BAD", StringComparison.Ordinal) || l.StartsWith("* BYE", StringComparison.Ordinal) || l.StartsWith("+ ", StringComparison.Ordinal)), $"{name}: no answer to the input: {string.Join(" | ", lines)}");

        // Whatever happened to that session, the server is still there for the next one.
        await using var next = await host.TranscriptAsync();
        Assert.StartsWith("n0 OK", (await next.CommandAsync("n0", $"LOGIN {user} secret"))[^1]);
    }
}
