using System.Diagnostics;
using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>body (RFC 5173), :regex (draft-ietf-sieve-regex, on a non-backtracking engine) and index (RFC 5260 §6).</summary>
public sealed class BodyRegexIndexTests
{
    private const string Multipart = """
        From: alice@example.com
        To: me@example.com
        Subject: plans
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b"

        --b
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        The project schedule is =C3=A0 jour.
        --b
        Content-Type: text/html; charset=us-ascii

        <p>Missile coordinates attached</p>
        --b
        Content-Type: application/octet-stream
        Content-Transfer-Encoding: base64

        TUFLRSBNT05FWSBGQVNU
        --b--

        """;

    private static string[] Run(string script, string message = Multipart) => Tests.Run.Script(script, message.ReplaceLineEndings("\r\n"));

    [Fact]
    public void Body_text_content_and_raw_compare_what_RFC_5173_says()
    {
        // §7's first example: the decoded text of text parts (quoted-printable undone).
        Assert.Equal(["fileinto project/schedule"], Run("require [\"body\", \"fileinto\"]; if body :text :contains \"project schedule is à jour\" { fileinto \"project/schedule\"; }"));
        Assert.Equal(["fileinto project/schedule"], Run("require [\"body\", \"fileinto\"]; if body :contains \"schedule\" { fileinto \"project/schedule\"; }"));

        // :content "text" is every text/* part; "text/html" only that one; "" every part, decoded (base64 undone).
        Assert.Equal(["fileinto secrets"], Run("require [\"body\", \"fileinto\"]; if body :content \"text\" :contains [\"missile\", \"coordinates\"] { fileinto \"secrets\"; }"));
        Assert.Equal(["keep"], Run("require [\"body\", \"fileinto\"]; if body :content \"text/html\" :contains \"schedule\" { fileinto \"x\"; }"));
        Assert.Empty(Run("require \"body\"; if body :content \"application\" :contains \"MAKE MONEY FAST\" { discard; }"));

        // :raw is the body undecoded: the base64 stays base64.
        Assert.Equal(["keep"], Run("require \"body\"; if body :raw :contains \"MAKE MONEY FAST\" { discard; }"));
        Assert.Empty(Run("require \"body\"; if body :raw :contains \"TUFLRSBNT05FWSBGQVNU\" { discard; }"));

        // A one-part message: its body is its text.
        Assert.Empty(Run("require \"body\"; if body :contains \"cheap\" { discard; }", "Subject: x\r\n\r\nBuy cheap things\r\n"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"body\"; if body :raw :text \"x\" { discard; }"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("if body :contains \"x\" { discard; }"));
    }

    [Fact]
    public void Regex_matches_as_an_extended_expression_with_the_comparator_s_case_rule()
    {
        Assert.Empty(Run("require \"regex\"; if header :regex \"subject\" \"^pl[a-z]+s$\" { discard; }"));
        Assert.Empty(Run("require \"regex\"; if header :regex \"subject\" \"^PLANS$\" { discard; }"));
        Assert.Equal(["keep"], Run("require [\"regex\", \"comparator-i;octet\"]; if header :regex :comparator \"i;octet\" \"subject\" \"^PLANS$\" { discard; }"));
        Assert.Empty(Run("require \"regex\"; if address :regex :domain \"from\" \"example\\\\.(com|org)\" { discard; }"));
        Assert.Equal(["keep"], Run("require \"regex\"; if address :regex :domain \"from\" \"^example\\\\.org$\" { discard; }"));

        Assert.StartsWith("line 1, column 21: the regular expression \"(a)\\1\" cannot be used", Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"regex\"; if header :regex \"subject\" \"(a)\\\\1\" { discard; }")).Message, StringComparison.Ordinal);
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"regex\"; if header :regex \"subject\" \"[\" { discard; }"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("if header :regex \"subject\" \"x\" { discard; }"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require [\"regex\", \"comparator-i;ascii-numeric\"]; if header :regex :comparator \"i;ascii-numeric\" \"subject\" \"1\" { discard; }"));
    }

    [Fact]
    public void A_regex_built_to_make_a_backtracking_engine_explode_answers_at_once()
    {
        // (a+)+b against 30,000 a's: exponential for a backtracking engine, linear here.
        var subject = new string('a', 30_000);
        var watch = Stopwatch.StartNew();
        Assert.Equal(["keep"], Run("require \"regex\"; if header :regex \"subject\" \"^(a+)+b$\" { discard; }", $"Subject: {subject}\r\n\r\n"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Index_picks_one_occurrence_of_a_field_counting_from_the_start_or_the_end()
    {
        const string received = """
            Received: from a.example by b.example; Mon, 26 Feb 2007 15:00:00 +0000
            Received: from c.example by a.example; Mon, 26 Feb 2007 13:00:00 +0000
            X-Tag: first
            X-Tag: second
            X-Tag: third
            From: one@example.com
            From: two@example.org

            body
            """;

        Assert.Empty(Run("require \"index\"; if header :index 2 :is \"x-tag\" \"second\" { discard; }", received));
        Assert.Empty(Run("require \"index\"; if header :index 1 :last :is \"x-tag\" \"third\" { discard; }", received));
        Assert.Equal(["keep"], Run("require \"index\"; if header :index 1 :is \"x-tag\" \"second\" { discard; }", received));
        Assert.Equal(["keep"], Run("require \"index\"; if header :index 4 :contains \"x-tag\" \"\" { discard; }", received));
        Assert.Empty(Run("require \"index\"; if address :index 2 :domain :is \"from\" \"example.org\" { discard; }", received));

        // RFC 5260 §6's example, filed instead of redirected: the first Received is the latest hop.
        const string example = """
            require ["date", "relational", "index", "fileinto"];
            if date :value "gt" :index 1 :zone "-0500" "received"
                    "iso8601" "2007-02-26T09:00:00-05:00" {
                fileinto "aftercutoff";
            }
            """;
        Assert.Equal(["fileinto aftercutoff"], Run(example, received));
        Assert.Equal(["keep"], Run(example.Replace(":index 1", ":index 1 :last", StringComparison.Ordinal).Replace("09:00:00", "09:30:00", StringComparison.Ordinal), received));

        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"index\"; if header :index 0 \"x\" \"y\" { discard; }"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"index\"; if header :last \"x\" \"y\" { discard; }"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("if header :index 1 \"x\" \"y\" { discard; }"));
    }
}
