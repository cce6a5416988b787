using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>Scripts × messages → actions: each test, comparator, match type and action of RFC 5228 and the implicit keep's rules (§2.10.2).</summary>
public sealed class ScriptTableTests
{
    private const string Message = "From: \"Alice Example\" <Alice+Lists@Example.COM>\r\nTo: bob@example.org, Carol <carol@example.net>\r\nSubject: =?UTF-8?Q?Caf=C3=A9?= meeting\r\nX-Spam-Score: 7\r\nList-Id: <dev.lists.example.com>\r\n\r\nHello.\r\n";

    [Theory]
    [InlineData("", "keep")]
    [InlineData("keep;", "keep")]
    [InlineData("discard;", "")]
    [InlineData("discard; keep;", "keep")]
    [InlineData("stop; discard;", "keep")]
    [InlineData("require \"fileinto\"; fileinto \"A\"; fileinto \"A\";", "fileinto A")]
    [InlineData("require \"fileinto\"; fileinto \"INBOX\"; keep;", "fileinto INBOX")]
    [InlineData("require [\"fileinto\", \"copy\"]; fileinto :copy \"A\";", "fileinto A|keep")]
    [InlineData("require [\"fileinto\", \"mailbox\"]; fileinto :create \"New/Box\";", "fileinto New/Box :create")]
    [InlineData("redirect \"someone@example.net\";", "redirect someone@example.net")]
    [InlineData("require \"copy\"; redirect :copy \"someone@example.net\";", "redirect someone@example.net|keep")]
    [InlineData("require \"reject\"; reject \"go away\";", "reject go away")]
    [InlineData("require \"ereject\"; ereject \"no\";", "ereject no")]
    [InlineData("if true { discard; } else { keep; }", "")]
    [InlineData("if false { discard; } elsif true { redirect \"x@example.net\"; } else { keep; }", "redirect x@example.net")]
    [InlineData("if header :contains \"subject\" \"café\" { discard; }", "")]
    [InlineData("if header :contains \"subject\" \"CAFÉ\" { discard; }", "keep")]
    [InlineData("if header :comparator \"i;octet\" :contains \"subject\" \"caf\" { discard; }", "keep")]
    [InlineData("if header :comparator \"i;octet\" :contains \"subject\" \"Caf\" { discard; }", "")]
    [InlineData("if header :is \"x-spam-score\" \"7\" { discard; }", "")]
    [InlineData("if header :matches \"list-id\" \"*<*.lists.example.com>\" { discard; }", "")]
    [InlineData("if header :is \"x-missing\" \"\" { discard; }", "keep")]
    [InlineData("if exists [\"From\", \"To\"] { discard; }", "")]
    [InlineData("if exists [\"From\", \"X-Missing\"] { discard; }", "keep")]
    [InlineData("if not exists \"X-Missing\" { discard; }", "")]
    [InlineData("if size :over 10 { discard; }", "")]
    [InlineData("if size :under 10 { discard; }", "keep")]
    [InlineData("if size :over 1K { discard; }", "keep")]
    [InlineData("if address :is \"from\" \"alice+lists@example.com\" { discard; }", "")]
    [InlineData("if address :localpart :is \"from\" \"alice+lists\" { discard; }", "")]
    [InlineData("if address :domain :is \"to\" \"example.net\" { discard; }", "")]
    [InlineData("require \"subaddress\"; if address :user :is \"from\" \"alice\" { discard; }", "")]
    [InlineData("require \"subaddress\"; if address :detail :is \"from\" \"lists\" { discard; }", "")]
    [InlineData("require \"subaddress\"; if address :detail :is \"to\" \"\" { discard; }", "keep")]
    [InlineData("if allof (header :contains \"subject\" \"meeting\", address :domain \"to\" \"example.org\") { discard; }", "")]
    [InlineData("if allof (header :contains \"subject\" \"meeting\", address :domain \"to\" \"nowhere\") { discard; }", "keep")]
    [InlineData("if anyof (false, header :contains \"subject\" \"meeting\") { discard; }", "")]
    [InlineData("require \"envelope\"; if envelope :is \"from\" \"sender@example.org\" { discard; }", "")]
    [InlineData("require \"envelope\"; if envelope :domain \"to\" \"example.com\" { discard; }", "")]
    [InlineData("require [\"relational\", \"comparator-i;ascii-numeric\"]; if header :value \"ge\" :comparator \"i;ascii-numeric\" \"x-spam-score\" \"5\" { discard; }", "")]
    [InlineData("require [\"relational\", \"comparator-i;ascii-numeric\"]; if header :value \"ge\" :comparator \"i;ascii-numeric\" \"x-spam-score\" \"10\" { discard; }", "keep")]
    [InlineData("require [\"relational\", \"comparator-i;ascii-numeric\"]; if address :count \"eq\" :comparator \"i;ascii-numeric\" \"to\" \"2\" { discard; }", "")]
    [InlineData("require [\"mailbox\", \"fileinto\"]; if mailboxexists \"Lists\" { fileinto \"Lists\"; }", "fileinto Lists")]
    [InlineData("require [\"mailbox\", \"fileinto\"]; if mailboxexists [\"Lists\", \"Nope\"] { fileinto \"Lists\"; }", "keep")]
    public void Each_script_takes_the_actions_the_RFCs_give_it(string script, string expected)
    {
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), Run.Script(script, Message, mailboxExists: m => m == "Lists"));
    }

    [Theory]
    [InlineData("keep", "1:5: expected ; or a block after \"keep\"")]
    [InlineData("if true { keep; ", "1:17: expected } to close the block")]
    [InlineData("fileinto \"x\";", "1:1: \"fileinto\" needs require \"fileinto\"")]
    [InlineData("require \"vacation-seconds\";", "1:1: unsupported extension \"vacation-seconds\"")]
    [InlineData("keep;\nrequire \"fileinto\";", "2:1: \"require\" must come before every other command")]
    [InlineData("frobnicate;", "1:1: unknown command \"frobnicate\"")]
    [InlineData("if frob { keep; }", "1:4: unknown test \"frob\"")]
    [InlineData("elsif true { keep; }", "1:1: \"elsif\" without an \"if\" before it")]
    [InlineData("if header :is :contains \"a\" \"b\" { keep; }", "1:4: only one match type may be given")]
    [InlineData("if header :comparator \"i;frob\" \"a\" \"b\" { keep; }", "1:4: unknown comparator \"i;frob\"")]
    [InlineData("if header :frob \"a\" \"b\" { keep; }", "1:11: \"header\" takes no :frob")]
    [InlineData("if header \"a\" { keep; }", "1:4: \"header\" needs the keys")]
    [InlineData("if size 10 { keep; }", "1:4: \"size\" takes one of :over and :under")]
    [InlineData("redirect \"not an address\";", "1:10: \"not an address\" is not a mail address")]
    [InlineData("keep;\n/* never closed", "2:1: a comment is not closed with */")]
    [InlineData("if header :is \"a\" \"b\n", "1:19: a string is not closed with \"")]
    [InlineData("require \"relational\";\nif header :value \"xx\" \"a\" \"b\" { keep; }", "2:4: unknown relation \"xx\"")]
    [InlineData("require \"comparator-i;ascii-numeric\";\nif header :contains :comparator \"i;ascii-numeric\" \"a\" \"1\" { keep; }", "2:4: i;ascii-numeric cannot be used with :contains")]
    [InlineData("if size :over 99999999999 { keep; }", "1:15: number too large")]
    [InlineData("keep :flags \"a\";", "1:1: :flags needs require \"imap4flags\"")]
    public void A_bad_script_is_refused_with_its_line_and_column(string script, string expected)
    {
        var error = Assert.Throws<SieveScriptException>(() => SieveScript.Compile(script));
        Assert.StartsWith(expected, $"{error.Position.Line}:{error.Position.Column}: {error.Reason}", StringComparison.Ordinal);
    }

    [Fact]
    public void Multi_line_strings_are_dot_unstuffed_and_names_are_case_insensitive()
    {
        const string script = "REQUIRE \"reject\";\r\nIF Header :Contains \"SUBJECT\" \"meeting\" {\r\n  reject text: # why\r\n..hidden\r\nplain\r\n.\r\n;\r\n}\r\n";
        Assert.Equal(["reject .hidden\r\nplain\r\n"], Run.Script(script, Message));
    }

    [Fact]
    public void Limits_on_nesting_size_actions_and_redirects_hold()
    {
        var deep = string.Concat(Enumerable.Repeat("if true {", 40)) + "keep;" + new string('}', 40);
        Assert.Contains("nested deeper", Assert.Throws<SieveScriptException>(() => SieveScript.Compile(deep)).Message, StringComparison.Ordinal);
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("keep;" + new string(' ', 70_000)));

        var redirects = string.Concat(Enumerable.Range(0, 5).Select(i => $"redirect \"r{i}@example.net\";"));
        Assert.Throws<SieveRuntimeException>(() => Run.Script(redirects, Message));
        var manyFiles = "require \"fileinto\";" + string.Concat(Enumerable.Range(0, 40).Select(i => $"fileinto \"box{i}\";"));
        Assert.Throws<SieveRuntimeException>(() => Run.Script(manyFiles, Message));

        // A thousand rules over a header of a megabyte: the run stops at its comparison budget instead of burning CPU.
        var rules = "require \"fileinto\";" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"if header :contains \"subject\" \"word{i}\" {{ fileinto \"b{i}\"; }}"));
        var huge = SieveMessage.Parse($"Subject: {new string('x', 1 << 20)}\r\n\r\nbody\r\n", "a@example.org", "b@example.org");
        Assert.Contains("compared more than", Assert.Throws<SieveRuntimeException>(() => SieveScript.Compile(rules, new SieveLimits { MaxScriptBytes = 1 << 20 }).Evaluate(huge)).Message, StringComparison.Ordinal);
        var normal = SieveMessage.Parse(Message, "a@example.org", "b@example.org");
        Assert.Equal(["keep"], SieveScript.Compile(rules, new SieveLimits { MaxScriptBytes = 1 << 20 }).Evaluate(normal).Select(Run.Spell));

        // One long pattern over a long value costs their product, not the value's length: it is refused before it runs.
        var longPattern = $"if header :matches \"subject\" \"*{new string('a', 30_000)}b*\" {{ discard; }}";
        var longValue = SieveMessage.Parse($"Subject: {new string('a', 100_000)}\r\n\r\nbody\r\n", "a@example.org", "b@example.org");
        Assert.Throws<SieveRuntimeException>(() => SieveScript.Compile(longPattern).Evaluate(longValue));

        // reject with a keep cannot both happen (RFC 5429 §2.1): the caller falls back to keeping.
        Assert.Throws<SieveRuntimeException>(() => Run.Script("require \"reject\"; keep; reject \"no\";", Message));
    }
}
