namespace OrleansMail.Imap;

/// <summary>What a client said, fit for a log line.</summary>
internal static class LogText
{
    /// <summary>Cut short, control characters (a forged second log line) escaped. Passwords never get here.</summary>
    public static string Safe(string text, int max)
    {
        var cut = text.Length <= max ? text : text[..max] + "…";
        return cut.Any(char.IsControl) ? string.Concat(cut.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString())) : cut;
    }
}
