using System.Text;

namespace OrleansMail.Mail;

/// <summary>The letters of <see cref="MailboxRights"/> as RFC 4314 §2.1 writes them, and the obsolete "c" and "d" of RFC 2086.</summary>
public static class MailboxRightsText
{
    /// <summary>Every right, in the order RFC 4314 lists them.</summary>
    public const string Letters = "lrswipkxtea";

    /// <summary>
    /// Parses rights letters; false on a letter RFC 4314 does not define. The obsolete "c" means "k" and "d" means
    /// "xte" (RFC 4314 §2.1.1), so a client written for RFC 2086 still grants what it means.
    /// </summary>
    public static bool TryParse(string text, out MailboxRights rights)
    {
        rights = MailboxRights.None;
        foreach (var c in text)
        {
            var index = Letters.IndexOf(c, StringComparison.Ordinal);
            if (index >= 0)
            {
                rights |= (MailboxRights)(1 << index);
            }
            else if (c == 'c')
            {
                rights |= MailboxRights.CreateBelow;
            }
            else if (c == 'd')
            {
                rights |= MailboxRights.DeleteMailbox | MailboxRights.DeleteMessages | MailboxRights.Expunge;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The letters of <paramref name="rights"/>; with <paramref name="obsolete"/>, "c" and "d" after them where RFC 4314 §2.1.1 asks for them in responses.</summary>
    public static string Format(MailboxRights rights, bool obsolete = true)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Letters.Length; i++)
        {
            if (rights.HasFlag((MailboxRights)(1 << i)))
            {
                text.Append(Letters[i]);
            }
        }

        if (!obsolete)
        {
            return text.ToString();
        }

        if (rights.HasFlag(MailboxRights.CreateBelow))
        {
            text.Append('c');
        }

        if ((rights & (MailboxRights.DeleteMailbox | MailboxRights.DeleteMessages | MailboxRights.Expunge)) != 0)
        {
            text.Append('d');
        }

        return text.ToString();
    }
}
