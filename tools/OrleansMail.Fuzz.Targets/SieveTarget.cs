using System.Text;
using OrleansMail.Sieve;

namespace OrleansMail.Fuzz.Targets;

/// <summary>
/// Compiles the input as a Sieve script and, when it compiles, runs it on a fixed message. A script error or a run
/// refused for its limits is an answer; any other exception is a finding.
/// </summary>
public static class SieveTarget
{
    private const string MessageText =
        "From: \"A\" <a+b@example.org>\r\nTo: c@example.net, d@example.com\r\nSubject: =?UTF-8?Q?=C3=A9t=C3=A9?=\r\nX-Spam-Score: 12\r\nMessage-ID: <m@example.org>\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody text\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n";

    /// <summary>Every extension, editheader and sending mail included: the fuzzer reaches all of it.</summary>
    private static readonly SieveLimits Limits = new() { AllowEditHeader = true };

    /// <summary>The user's other scripts, for include: one that includes back, one that sets a global.</summary>
    private static readonly Dictionary<string, string> Personal = new(StringComparer.Ordinal)
    {
        ["a"] = "require [\"include\", \"variables\"]; global \"g\"; set \"g\" \"${g}x\"; include :optional \"b\";",
        ["b"] = "require \"include\"; include :once \"a\"; return;",
    };

    private static readonly Dictionary<string, long> Seen = new(StringComparer.Ordinal) { ["00000000000000000000000000000000"] = 0 };

    /// <summary>Fragments that make random input look like Sieve, for the mutator's insertions.</summary>
    public static IReadOnlyList<string> Dictionary { get; } =
    [
        "require ", "[\"fileinto\", \"imap4flags\", \"date\", \"relational\", \"comparator-i;ascii-numeric\", \"subaddress\", \"envelope\", \"copy\", \"mailbox\", \"reject\"];",
        "if ", "elsif ", "else ", "{", "}", "(", ")", "[", "]", ",", ";", "\"", "\\", "text:\r\n", "\r\n.\r\n", "#", "/*", "*/",
        "header ", "address ", "date :originalzone \"date\" \"weekday\" ", "currentdate :zone \"+0100\" \"julian\" ", "\"iso8601\"", "envelope ", "exists ", "size ", "allof", "anyof", "not ", "true", "false", "hasflag ",
        ":is ", ":contains ", ":matches ", ":value \"ge\" ", ":count \"eq\" ", ":comparator \"i;ascii-numeric\" ", ":over 1K ",
        ":localpart ", ":domain ", ":user ", ":detail ", ":flags ", ":copy ", ":create ", "keep;", "discard;", "stop;",
        "fileinto \"x\";", "redirect \"r@example.org\";", "reject \"no\";", "setflag \"\\\\Seen\";", "\"*?*\\\\*\"", "99999999999", "1G",
        "[\"variables\", \"include\", \"regex\", \"body\", \"index\", \"duplicate\", \"editheader\", \"vacation\"];",
        "set :lower :upperfirst :quotewildcard :length \"v\" \"${v}${1}\";", "${", "}", "${0}", "${v}", "string ", ":regex ", "\"(a|b)+[0-9]{2,}\" ",
        "body :raw ", "body :content \"text\" ", ":index 2 :last ", "duplicate :handle \"h\" :seconds 60 :last ", "include :once :optional \"a\";",
        "global \"g\";", "return;", "addheader :last \"X-A\" \"v\";", "deleteheader :index 1 \"X-Spam-Score\";",
        "vacation :days 3 :subject \"s\" :from \"f@example.org\" :addresses [\"x@example.org\"] :handle \"h\" \"away\";",
    ];

    public static void Run(byte[] input)
    {
        var source = Encoding.UTF8.GetString(input);
        SieveScript script;
        try
        {
            script = SieveScript.Compile(source, Limits, Personal.GetValueOrDefault);
        }
        catch (SieveScriptException)
        {
            return;
        }

        try
        {
            // A message of its own per run: editheader changes it.
            script.Evaluate(SieveMessage.Parse(MessageText, "a@example.org", "c+detail@example.net"), name => name.Length % 2 == 0, seen: Seen);
        }
        catch (SieveRuntimeException)
        {
        }
    }
}
