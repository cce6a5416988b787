using System.Text;
using OrleansMail.Imap.Fetch;
using OrleansMail.Imap.Protocol.Requests;
using OrleansMail.MailStorage.Summaries;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>The section arithmetic of RFC 3501 §6.4.5 on a message with an attached message, from its summary alone.</summary>
public sealed class BodySectionTests
{
    private static readonly byte[] Message = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "03-attached-message.eml"));

    private static async Task<string> SectionAsync(int[] part, SectionText text)
    {
        using var content = new MemoryStream(Message);
        var summary = await SummaryBuilder.BuildAsync(content);
        var (offset, length) = BodySection.Locate(summary, Message.Length, part, text);
        return Encoding.ASCII.GetString(Message, (int)offset, (int)length);
    }

    [Fact]
    public async Task Parts_of_an_attached_message_are_found_by_their_numbers()
    {
        Assert.StartsWith("From: alice@example.org\r\n", await SectionAsync([], SectionText.Header));
        Assert.EndsWith("\r\n\r\n", await SectionAsync([], SectionText.Header));
        Assert.Equal("See attached.", await SectionAsync([1], SectionText.All));
        Assert.Equal("Content-Type: text/plain\r\n\r\n", await SectionAsync([1], SectionText.Mime));

        // 2 is the message/rfc822 part: its HEADER and TEXT are those of the message it carries.
        Assert.StartsWith("From: Carol <carol@example.net>\r\n", await SectionAsync([2], SectionText.Header));
        Assert.EndsWith("boundary=\"inner\"\r\n\r\n", await SectionAsync([2], SectionText.Header));
        Assert.StartsWith("--inner\r\n", await SectionAsync([2], SectionText.Text));
        Assert.EndsWith("--inner--", await SectionAsync([2], SectionText.Text));
        Assert.Equal("Inner text.", await SectionAsync([2, 1], SectionText.All));
        Assert.Equal("JVBERi0xLjQK", await SectionAsync([2, 2], SectionText.All));
        Assert.Equal("Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n", await SectionAsync([2], SectionText.Mime));
    }

    [Fact]
    public async Task A_part_that_does_not_exist_is_empty()
    {
        Assert.Equal("", await SectionAsync([3], SectionText.All));
        Assert.Equal("", await SectionAsync([1, 1, 1], SectionText.All));
        Assert.Equal("", await SectionAsync([2, 9], SectionText.Mime));
    }

    [Theory]
    [InlineData(100L, null, null, 0L, 100L)]
    [InlineData(100L, 10L, 20L, 10L, 20L)]
    [InlineData(100L, 90L, 20L, 90L, 10L)]
    [InlineData(100L, 200L, 5L, 100L, 0L)]
    public void A_partial_range_is_cut_to_the_section(long length, long? origin, long? octets, long start, long taken)
    {
        Assert.Equal((start, taken), BodySection.Partial(length, origin, octets));
    }
}
