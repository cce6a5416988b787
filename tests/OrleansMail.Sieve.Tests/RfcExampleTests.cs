using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>The examples of RFC 5228, 5231, 5232 and 5233, as written there, each against messages that take every branch.</summary>
public sealed class RfcExampleTests
{
    // RFC 5228 §9, verbatim but for line endings.
    private const string Rfc5228Example = """
        #
        # Example Sieve Filter
        # Declare any optional features or extension used by the script
        #
        require ["fileinto"];

        #
        # Handle messages from known mailing lists
        # Move messages from IETF filter discussion list to filter mailbox
        #
        if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                {
                fileinto "filter";  # move to "filter" mailbox
                }
        #
        # Keep all messages to or from people in my company
        #
        elsif address :DOMAIN :is ["From", "To"] "example.com"
                {
                keep;               # keep in "In" mailbox
                }

        #
        # Try and catch unsolicited email.  If a message is not to me,
        # or it contains a subject known to be spam, file it away.
        #
        elsif anyof (NOT address :all :contains
                       ["To", "Cc", "Bcc"] "me@example.com",
                     header :matches "subject"
                       ["*make*money*fast*", "*university*dipl*mas*"])
                {
                fileinto "spam";   # move to "spam" mailbox
                }
        else
                {
                # Move all other (non-company) mail to "personal"
                # mailbox.
                fileinto "personal";
                }
        """;

    [Theory]
    [InlineData("Sender: owner-ietf-mta-filters@imc.org\r\nFrom: a@b.org\r\nTo: me@example.com\r\n", "fileinto filter")]
    [InlineData("From: Boss <boss@EXAMPLE.com>\r\nTo: someone@elsewhere.org\r\n", "keep")]
    [InlineData("From: x@y.org\r\nTo: list@z.org\r\nSubject: hi\r\n", "fileinto spam")]
    [InlineData("From: x@y.org\r\nTo: list@lists.org\r\nCc: me@example.com\r\nSubject: Make Lots Of Money Fast!\r\n", "fileinto spam")]
    [InlineData("From: x@y.org\r\nCc: Me <me@example.com>\r\nSubject: hello\r\n", "fileinto personal")]
    public void The_example_filter_of_RFC_5228_takes_each_of_its_branches(string header, string expected)
    {
        Assert.Equal([expected], Run.Script(Rfc5228Example, header + "\r\nbody\r\n"));
    }

    // RFC 5228 §2.7.1: "*" and "?" against the string "hello".
    [Theory]
    [InlineData("hello", "hello", true)]
    [InlineData("hello", "h*o", true)]
    [InlineData("hello", "h?llo", true)]
    [InlineData("hello", "h??lo", true)]
    [InlineData("hello", "h?lo", false)]
    [InlineData("hello", "*", true)]
    [InlineData("", "*", true)]
    [InlineData("hello", "*l*l*", true)]
    [InlineData("hello", "*l*l*l*", false)]
    [InlineData("a*b", "a\\*b", true)]
    [InlineData("axb", "a\\*b", false)]
    [InlineData("abc", "*abc*", true)]
    [InlineData("ab", "a*b*", true)]
    [InlineData("ab", "*a*b*c", false)]
    public void Matches_follows_the_wildcards_and_escapes(string value, string pattern, bool expected)
    {
        Assert.Equal(expected, SieveMatch.Default with { Type = SieveMatchType.Matches } is var m && m.Test(value, pattern));
    }

    [Fact]
    public void A_pattern_built_to_make_a_backtracking_matcher_explode_is_answered_without_backtracking()
    {
        var value = new string('a', 100_000);
        var pattern = string.Concat(Enumerable.Repeat("*a", 200)) + "*b";
        Assert.False((SieveMatch.Default with { Type = SieveMatchType.Matches }).Test(value, pattern));
        Assert.True((SieveMatch.Default with { Type = SieveMatchType.Matches }).Test(value + "b", pattern));
    }

    // RFC 5231 §6: the message and the tests the RFC evaluates on it.
    private const string Rfc5231Message = "Received: ...\r\nReceived: ...\r\nSubject: example\r\nTo: foo@example.com, baz@example.com\r\nCC: qux@example.com\r\n\r\nbody\r\n";

    [Theory]
    [InlineData("""address :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] ["3"]""", true)]
    [InlineData("""anyof ( address :count "ge" :comparator "i;ascii-numeric" ["to"] ["3"], address :count "ge" :comparator "i;ascii-numeric" ["cc"] ["3"] )""", false)]
    [InlineData("""header :count "ge" :comparator "i;ascii-numeric" ["received"] ["3"]""", false)]
    [InlineData("""header :count "ge" :comparator "i;ascii-numeric" ["received", "subject"] ["3"]""", true)]
    [InlineData("""header :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] ["3"]""", false)]
    [InlineData("""header :count "ge" :comparator "i;ascii-numeric" "received" "2" """, true)]
    [InlineData("""header :value "gt" :comparator "i;ascii-numeric" "subject" "3" """, true)]
    [InlineData("""address :value "gt" :all :comparator "i;ascii-casemap" ["from"] ["M"]""", false)]
    [InlineData("""address :value "gt" :all :comparator "i;ascii-casemap" ["to"] ["M"]""", false)]
    [InlineData("""address :value "lt" :all :comparator "i;ascii-casemap" ["to"] ["c"]""", true)]
    public void The_relational_examples_of_RFC_5231_evaluate_as_it_says(string test, bool expected)
    {
        var script = $"require [\"relational\", \"comparator-i;ascii-numeric\"];\r\nif {test} {{ fileinto \"hit\"; }}";
        Assert.Equal(expected ? ["fileinto hit"] : ["keep"], Run.Script("require \"fileinto\";\r\n" + script, Rfc5231Message));
    }

    // RFC 5233 §5, verbatim.
    private const string Rfc5233Example = """
        require ["envelope", "subaddress", "fileinto"];

        # In this example the same user account receives mail for both
        # "ken@example.com" and "postmaster@example.com"

        # File all messages to postmaster into a single mailbox,
        # ignoring the :detail part.
        if envelope :user "to" "postmaster" {
            fileinto "inbox.postmaster";
            stop;
        }

        # File mailing list messages (subscribed as "ken+mta-filters").
        if envelope :detail "to" "mta-filters" {
            fileinto "inbox.ietf-mta-filters";
        }

        # Redirect all mail sent to "ken+foo".
        if envelope :detail "to" "foo" {
            redirect "ken@example.net";
        }
        """;

    [Theory]
    [InlineData("postmaster+anything@example.com", "fileinto inbox.postmaster")]
    [InlineData("ken+mta-filters@example.com", "fileinto inbox.ietf-mta-filters")]
    [InlineData("ken+foo@example.com", "redirect ken@example.net")]
    [InlineData("ken@example.com", "keep")]
    public void The_subaddress_example_of_RFC_5233_files_by_user_and_detail(string recipient, string expected)
    {
        Assert.Equal([expected], Run.Script(Rfc5233Example, "Subject: x\r\n\r\nbody\r\n", envelopeTo: recipient));
    }

    [Fact]
    public void Flags_set_by_the_script_ride_on_keep_and_fileinto_unless_flags_are_given_there()
    {
        // After RFC 5232 §4/§6's examples, without the variables extension.
        const string script = """
            require ["imap4flags", "fileinto"];
            if header :contains "from" "boss@frobnitzm.example.org" {
                setflag "\\Flagged";
                fileinto "From Boss";
                fileinto :flags "\\Draft" "Drafts";
            }
            addflag ["\\Seen", "$Work \\Answered"];
            removeflag "\\answered";
            if hasflag :contains "work" { keep; }
            """;
        Assert.Equal(["fileinto From Boss [\\Flagged]", "fileinto Drafts [\\Draft]", "keep [\\Flagged \\Seen $Work]"], Run.Script(script, "From: boss@frobnitzm.example.org\r\n\r\nx\r\n"));
        Assert.Equal(["keep [\\Seen $Work]"], Run.Script(script, "From: other@example.org\r\n\r\nx\r\n"));
    }
}
