using System.IO.Pipelines;
using System.Text;
using Xunit;

namespace OrleansMail.ManageSieve.Tests;

/// <summary>The command reader on its own: the same commands come out whichever way the bytes are split, and random bytes never throw anything but its two exceptions.</summary>
public sealed class CommandReaderTests
{
    private static readonly CommandLimits Limits = new(MaxLineLength: 200, MaxCommandSize: 1000, MaxSkippedLiteral: 2000);

    private const string Transcript =
        "AUTHENTICATE \"PLAIN\" {12+}\r\nAHVzZXIAcHc=\r\n" +
        "PUTSCRIPT \"a \\\"b\\\" \\\\\" {7}\r\nkeep;\r\n\r\n" +
        "HAVESPACE \"x\" 4294967295\r\n" +
        "PUTSCRIPT \"big\" {1500+}\r\n" + "" + "\r\n" +
        "noop\r\n";

    private static byte[] TranscriptBytes()
    {
        // The 1,500-octet literal is over the command limit: dropped unread, and the command still comes out.
        var text = Transcript.Replace("{1500+}\r\n\r\n", "{1500+}\r\n" + new string('x', 1500) + "\r\n", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text);
    }

    private static string Describe(ManageSieveCommand command) =>
        $"{command.Name}|{string.Join("|", command.Arguments.Select(a => a.IsString ? "s:" + Encoding.UTF8.GetString(a.Bytes!) : "n:" + a.Number))}|{command.LiteralDropped}";

    private static async Task<List<string>> ReadAllAsync(byte[] input, int chunk)
    {
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < input.Length; offset += chunk)
            {
                await pipe.Writer.WriteAsync(input.AsMemory(offset, Math.Min(chunk, input.Length - offset)));
            }

            await pipe.Writer.CompleteAsync();
        });
        var reader = new CommandReader(pipe.Reader);
        var commands = new List<string>();
        while (true)
        {
            try
            {
                var command = await reader.ReadAsync(Limits, CancellationToken.None);
                if (command is null)
                {
                    break;
                }

                commands.Add(Describe(command));
            }
            catch (ManageSieveSyntaxException e)
            {
                commands.Add("syntax: " + e.Message);
            }
        }

        await writing;
        return commands;
    }

    [Fact]
    public async Task Every_split_of_the_bytes_reads_the_same_commands()
    {
        var input = TranscriptBytes();
        var whole = await ReadAllAsync(input, input.Length);
        Assert.Equal(
            [
                "AUTHENTICATE|s:PLAIN|s:AHVzZXIAcHc=|False",
                "PUTSCRIPT|s:a \"b\" \\|s:keep;\r\n|False",
                "HAVESPACE|s:x|n:4294967295|False",
                "PUTSCRIPT|s:big|s:|True",
                "NOOP||False",
            ],
            whole);
        for (var chunk = 1; chunk < 64; chunk++)
        {
            Assert.Equal(whole, await ReadAllAsync(input, chunk));
        }
    }

    [Fact]
    public async Task Random_bytes_come_out_as_commands_or_the_reader_s_own_errors()
    {
        var random = new Random(5804);
        var pieces = new[] { "\"", "\\", "{", "}", "+", "\r\n", "\n", "\r", " ", "NOOP", "PUTSCRIPT", "{3+}\r\n", "{0}\r\n", "9999999999", "\0", "é" };
        for (var round = 0; round < 2000; round++)
        {
            var text = new StringBuilder();
            for (var i = random.Next(1, 30); i > 0; i--)
            {
                text.Append(random.Next(3) == 0 ? (char)random.Next(32, 127) : pieces[random.Next(pieces.Length)]);
            }

            var input = Encoding.UTF8.GetBytes(text.ToString());
            try
            {
                await ReadAllAsync(input, 1 + random.Next(8));
            }
            catch (InvalidDataException)
            {
                // Too long a line or too large a literal: the session ends the connection.
            }
        }
    }
}
