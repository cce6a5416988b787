using System.Text;
using OrleansMail.Sieve;

namespace OrleansMail.Fuzz.Targets;

/// <summary>
/// Compiles the input as a Sieve script and, when it compiles, runs it on a fixed message. A script error or a run
/// refused for its limits is an answer; any other exception is a finding.
/// </summary>
public static class SieveTarget
{
    private static readonly SieveMessage Message = SieveMessage.Parse(
        "From: \"A\" <a+b@example.org>\r\nTo: c@example.net, d@example.com\r\nSubject: =?UTF-8?Q?=C3=A9t=C3=A9?=\r\nX-Spam-Score: 12\r\n\r\nbody\r\n",
        "a@example.org",
        "c+detail@example.net");

    /// <summary>Fragments that make random input look like Sieve, for the mutator's insertions.</summary>
    public static IReadOnlyList<string> Dictionary { get; } =
    [
        "require ", "[\"fileinto\", \"imap4flags\", \"date\", \"relational\", \"comparator-i;ascii-numeric\", \"subaddress\", \"envelope\", \"copy\", \"mailbox\", \"reject\"];",
        "if ", "elsif ", "else ", "{", "}", "(", ")", "[", "]", ",", ";", "\"", "\\", "text:\r\n", "\r\n.\r\n", "#", "/*", "*/",
        "header ", "address ", "date :originalzone \"date\" \"weekday\" ", "currentdate :zone \"+0100\" \"julian\" ", "\"iso8601\"", "envelope ", "exists ", "size ", "allof", "anyof", "not ", "true", "false", "hasflag ",
        ":is ", ":contains ", ":matches ", ":value \"ge\" ", ":count \"eq\" ", ":comparator \"i;ascii-numeric\" ", ":over 1K ",
        ":localpart ", ":domain ", ":user ", ":detail ", ":flags ", ":copy ", ":create ", "keep;", "discard;", "stop;",
        "fileinto \"x\";", "redirect \"r@example.org\";", "reject \"no\";", "setflag \"\\\\Seen\";", "\"*?*\\\\*\"", "99999999999", "1G",
    ];

    public static void Run(byte[] input)
    {
        var source = Encoding.UTF8.GetString(input);
        SieveScript script;
        try
        {
            script = SieveScript.Compile(source);
        }
        catch (SieveScriptException)
        {
            return;
        }

        try
        {
            script.Evaluate(Message, name => name.Length % 2 == 0);
        }
        catch (SieveRuntimeException)
        {
        }
    }
}
