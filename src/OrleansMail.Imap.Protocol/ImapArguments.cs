using System.Globalization;

namespace OrleansMail.Imap.Protocol;

/// <summary>Reads a command's tokens in order; anything unexpected is an <see cref="ImapSyntaxException"/> (BAD).</summary>
public sealed class ImapArguments(IReadOnlyList<ImapToken> tokens)
{
    private int _next;

    public bool HasMore => _next < tokens.Count;

    /// <summary>Mailbox names are UTF-8 as sent, not modified UTF-7 (the client enabled UTF8=ACCEPT, RFC 6855 §3).</summary>
    public bool Utf8Names { get; init; }

    /// <summary>Set when a mailbox argument read so far was not valid modified UTF-7.</summary>
    public bool HasInvalidMailboxName { get; set; }

    public ImapToken? Peek => _next < tokens.Count ? tokens[_next] : null;

    public ImapToken Next(string what) => _next < tokens.Count ? tokens[_next++] : throw new ImapSyntaxException($"Missing {what}");

    public string AString(string what)
    {
        var token = Next(what);
        return token.IsString ? token.Text : throw new ImapSyntaxException($"Expected {what}");
    }

    public string Atom(string what)
    {
        var token = Next(what);
        return token.IsAtom ? token.Text : throw new ImapSyntaxException($"Expected {what}");
    }

    public ImapToken List(string what)
    {
        var token = Next(what);
        return token.IsList ? token : throw new ImapSyntaxException($"Expected a list of {what}");
    }

    public ImapSequenceSet SequenceSet()
    {
        var text = Atom("sequence set");
        return ImapSequenceSet.TryParse(text, out var set) ? set : throw new ImapSyntaxException("Invalid sequence set");
    }

    public ulong Number(string what)
    {
        var text = Atom(what);
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ImapSyntaxException($"Expected a number for {what}");
    }

    public bool TryTake(string atom)
    {
        if (Peek is { } token && token.Is(atom))
        {
            _next++;
            return true;
        }

        return false;
    }

    public void End()
    {
        if (HasMore)
        {
            throw new ImapSyntaxException("Unexpected extra arguments");
        }
    }
}
