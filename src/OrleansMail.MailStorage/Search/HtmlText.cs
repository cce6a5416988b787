using System.Text;
using MimeKit.Text;

namespace OrleansMail.MailStorage.Search;

/// <summary>
/// The text a reader sees in an HTML part, as SEARCH matches it: character references decoded, markup, scripts and
/// styles dropped, block elements ending a line. Built on MimeKit's HTML tokenizer.
/// </summary>
public static class HtmlText
{
    public static string ToText(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        var hidden = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlDataToken data when hidden == 0 && token.Kind is HtmlTokenKind.Data or HtmlTokenKind.CData:
                    text.Append(data.Data);
                    break;
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style:
                    if (!tag.IsEmptyElement)
                    {
                        hidden = Math.Max(0, hidden + (tag.IsEndTag ? -1 : 1));
                    }

                    break;
                case HtmlTagToken tag when !IsInline(tag.Id):
                    text.Append('\n');
                    break;
            }
        }

        return text.ToString();
    }

    // Inline elements run into the words beside them ("hel<b>lo</b>" reads "hello"); everything else breaks a line.
    private static bool IsInline(HtmlTagId id) => id is HtmlTagId.A or HtmlTagId.B or HtmlTagId.I or HtmlTagId.U or HtmlTagId.EM
        or HtmlTagId.Strong or HtmlTagId.Span or HtmlTagId.Font or HtmlTagId.Small or HtmlTagId.Big or HtmlTagId.Sub or HtmlTagId.Sup
        or HtmlTagId.Code or HtmlTagId.TT or HtmlTagId.S or HtmlTagId.Strike or HtmlTagId.Abbr or HtmlTagId.Acronym
        or HtmlTagId.Cite or HtmlTagId.Q or HtmlTagId.Mark or HtmlTagId.Label or HtmlTagId.Kbd or HtmlTagId.Var or HtmlTagId.Samp
        or HtmlTagId.Del or HtmlTagId.Ins or HtmlTagId.Unknown;
}
