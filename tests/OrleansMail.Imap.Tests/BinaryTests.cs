using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>BINARY (RFC 3516): parts with their transfer encoding undone, compared byte for byte with what was encoded.</summary>
[Collection(ImapHostCollection.Name)]
public sealed partial class BinaryTests(ImapHost host)
{
    private static readonly byte[] Payload = [0, 1, 2, 255, 0, 13, 10, 42, 0];

    private static string Message() =>
        "From: a@example.org\r\nTo: b@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        + "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße 8-bit\r\n"
        + "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =3D soft=\r\nbreak\r\n"
        + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(Payload) + "\r\n"
        + "--b\r\nContent-Type: application/x-thing\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\nend\r\n"
        + "--b--\r\n";

    private async Task<ImapTranscript> SelectedAsync()
    {
        var user = host.NewUser();
        Assert.StartsWith("250", await host.DeliverAsync(user, Message()));
        var t = await host.LoggedInAsync(user);
        Assert.Contains("BINARY", (await t.CommandAsync("a1", "CAPABILITY"))[0]);
        await t.CommandAsync("a2", "SELECT INBOX");
        return t;
    }

    /// <summary>Sends a FETCH of one BINARY item and returns the literal's marker ("{" or "~{") and its bytes.</summary>
    private static async Task<(bool Literal8, byte[] Bytes)> FetchBinaryAsync(ImapTranscript t, string tag, string item)
    {
        await t.SendAsync($"{tag} FETCH 1 ({item})\r\n");
        var line = await t.LineAsync();
        var match = LiteralMarker().Match(line);
        Assert.True(match.Success, line);
        var bytes = await t.BytesAsync(int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal(")", await t.LineAsync());
        Assert.StartsWith($"{tag} OK", await t.LineAsync());
        return (match.Groups[1].Value == "~", bytes);
    }

    [Fact]
    public async Task Each_transfer_encoding_is_undone_byte_for_byte()
    {
        await using var t = await SelectedAsync();
        var eightBit = await FetchBinaryAsync(t, "b1", "BINARY.PEEK[1]");
        Assert.Equal(Encoding.UTF8.GetBytes("Grüße 8-bit"), eightBit.Bytes);
        Assert.False(eightBit.Literal8);

        var quoted = await FetchBinaryAsync(t, "b2", "BINARY.PEEK[2]");
        Assert.Equal(Encoding.UTF8.GetBytes("café = softbreak"), quoted.Bytes);

        // NULs may not travel in a literal: the answer is a literal8.
        var base64 = await FetchBinaryAsync(t, "b3", "BINARY.PEEK[3]");
        Assert.Equal(Payload, base64.Bytes);
        Assert.True(base64.Literal8);

        var partial = await FetchBinaryAsync(t, "b4", "BINARY.PEEK[3]<3.4>");
        Assert.Equal(Payload[3..7], partial.Bytes);

        Assert.Equal($"* 1 FETCH (BINARY.SIZE[3] {Payload.Length} BINARY.SIZE[2] 17)", (await t.CommandAsync("b5", "FETCH 1 (BINARY.SIZE[3] BINARY.SIZE[2])"))[0]);
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent))", (await t.CommandAsync("b6", "FETCH 1 FLAGS"))[0]); // PEEK set nothing
    }

    [Fact]
    public async Task A_part_larger_than_the_body_cache_takes_is_decoded_as_it_streams_from_the_store()
    {
        // 150,000 decoded bytes: its message is past MaxCachedBody (100,000), so the part is read by range, twice.
        var payload = Enumerable.Range(0, 150_000).Select(i => (byte)((i % 255) + 1)).ToArray();
        payload[0] = 0;
        var message = "From: a@example.org\r\nSubject: large\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(payload, Base64FormattingOptions.InsertLineBreaks) + "\r\n--b--\r\n";
        var user = host.NewUser();
        Assert.StartsWith("250", await host.DeliverAsync(user, message));
        await using var t = await host.LoggedInAsync(user);
        await t.CommandAsync("a1", "SELECT INBOX");

        var whole = await FetchBinaryAsync(t, "b1", "BINARY.PEEK[2]");
        Assert.True(whole.Literal8);
        Assert.Equal(payload, whole.Bytes);

        // The NUL is before the range asked: a plain literal.
        var range = await FetchBinaryAsync(t, "b2", "BINARY.PEEK[2]<100000.30000>");
        Assert.False(range.Literal8);
        Assert.Equal(payload[100_000..130_000], range.Bytes);
        Assert.Equal($"* 1 FETCH (BINARY.SIZE[2] {payload.Length})", (await t.CommandAsync("b3", "FETCH 1 (BINARY.SIZE[2])"))[0]);
    }

    [Fact]
    public async Task Binary_without_peek_sets_seen_and_refuses_what_it_cannot_decode()
    {
        await using var t = await SelectedAsync();
        await t.SendAsync("c1 FETCH 1 (BINARY[1])\r\n");
        var answer = await t.ResponsesUntilTaggedAsync("c1");
        Assert.Contains("FLAGS (\\Seen \\Recent)", answer[0]);
        Assert.Equal("c2 NO [UNKNOWN-CTE] Cannot decode the x-uuencode transfer encoding", (await t.CommandAsync("c2", "FETCH 1 (BINARY.PEEK[4])"))[^1]);
        Assert.StartsWith("c3 BAD", (await t.CommandAsync("c3", "FETCH 1 (BINARY[1.HEADER])"))[^1]);
        Assert.StartsWith("c4 BAD", (await t.CommandAsync("c4", "FETCH 1 (BINARY.SIZE[1]<0.5>)"))[^1]);
    }

    [Fact]
    public async Task Append_takes_a_literal8_and_keeps_its_bytes()
    {
        var user = host.NewUser();
        await using var t = await host.LoggedInAsync(user);
        var message = Encoding.UTF8.GetBytes("Subject: binary\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n")
            .Concat(Payload).Concat("\r\n"u8.ToArray()).ToArray();
        await t.SendAsync($"d1 APPEND INBOX ~{{{message.Length}+}}\r\n");
        await t.SendAsync(message);
        await t.SendAsync("\r\n");
        Assert.Matches(@"^d1 OK \[APPENDUID \d+ 1\]", (await t.UntilTaggedAsync("d1"))[^1]);
        await t.CommandAsync("d2", "SELECT INBOX");
        var body = await FetchBinaryAsync(t, "d3", "BINARY.PEEK[1]");
        Assert.Equal(Payload.Concat("\r\n"u8.ToArray()), body.Bytes);
    }

    [GeneratedRegex(@"(~?)\{(\d+)\}$")]
    private static partial Regex LiteralMarker();
}
