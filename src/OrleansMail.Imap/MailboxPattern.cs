using System.Text;
using OrleansMail.Mail;

namespace OrleansMail.Imap;

/// <summary>
/// A LIST/LSUB pattern (RFC 3501 §6.3.8: "*" matches anything, "%" anything but the hierarchy delimiter; INBOX in
/// any case), matched in time linear in the name for a given pattern, as Dovecot's imap-match: runs of wildcards
/// collapse and the match advances a set of pattern positions character by character, with no backtracking, so a
/// pattern like "*%*%*%...x" costs what its length costs and nothing more.
/// </summary>
internal sealed class MailboxPattern
{
    private const char Any = '*';
    private const char AnyButDelimiter = '%';

    private readonly string _pattern;
    private readonly bool _inboxInsensitive;

    private MailboxPattern(string pattern, bool inboxInsensitive)
    {
        _pattern = pattern;
        _inboxInsensitive = inboxInsensitive;
    }

    /// <summary>The pattern for reference + pattern (both decoded); null when no name can match it (longer than any name).</summary>
    public static MailboxPattern? Create(string full)
    {
        var collapsed = new StringBuilder(full.Length);
        var literalLength = 0;
        for (var i = 0; i < full.Length; i++)
        {
            var c = full[i];
            if (c is not (Any or AnyButDelimiter))
            {
                collapsed.Append(c);
                literalLength++;
                continue;
            }

            // A run of wildcards is "*" if it holds one, else "%" (two "%" in a row match what one does).
            var star = false;
            while (i < full.Length && full[i] is Any or AnyButDelimiter)
            {
                star |= full[i] == Any;
                i++;
            }

            i--;
            collapsed.Append(star ? Any : AnyButDelimiter);
        }

        if (literalLength > MailboxName.MaxLength)
        {
            return null;
        }

        return new MailboxPattern(collapsed.ToString(), full.StartsWith(MailboxName.Inbox, StringComparison.OrdinalIgnoreCase));
    }

    public bool IsMatch(string name)
    {
        if (_inboxInsensitive && name.StartsWith(MailboxName.Inbox, StringComparison.OrdinalIgnoreCase))
        {
            // "inbox/%" and "INBOX/%" both name INBOX's children: compare the INBOX prefix without case.
            return Match(MailboxName.Inbox + name[MailboxName.Inbox.Length..], MailboxName.Inbox + _pattern[MailboxName.Inbox.Length..]);
        }

        return Match(name, _pattern);
    }

    /// <summary>Positions in the pattern still alive after each character: O(name × pattern) at worst, no backtracking.</summary>
    private static bool Match(string name, string pattern)
    {
        var current = new bool[pattern.Length + 1];
        var next = new bool[pattern.Length + 1];
        current[0] = true;
        Close(current, pattern);
        foreach (var c in name)
        {
            Array.Clear(next);
            var alive = false;
            for (var p = 0; p < pattern.Length; p++)
            {
                if (!current[p])
                {
                    continue;
                }

                switch (pattern[p])
                {
                    case Any:
                        next[p] = true;
                        alive = true;
                        break;
                    case AnyButDelimiter:
                        if (c != MailboxName.Delimiter)
                        {
                            next[p] = true;
                            alive = true;
                        }

                        break;
                    default:
                        if (pattern[p] == c)
                        {
                            next[p + 1] = true;
                            alive = true;
                        }

                        break;
                }
            }

            if (!alive)
            {
                return false;
            }

            Close(next, pattern);
            (current, next) = (next, current);
        }

        return current[pattern.Length];
    }

    /// <summary>A wildcard may match nothing: wherever one is alive, so is the position after it.</summary>
    private static void Close(bool[] states, string pattern)
    {
        for (var p = 0; p < pattern.Length; p++)
        {
            if (states[p] && pattern[p] is Any or AnyButDelimiter)
            {
                states[p + 1] = true;
            }
        }
    }
}
