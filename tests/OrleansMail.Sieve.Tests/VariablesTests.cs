using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>The variables extension (RFC 5229): set and its modifiers, ${name} and ${N}, the string test, the RFC's examples.</summary>
public sealed class VariablesTests
{
    [Fact]
    public void The_section_3_example_expands_names_without_regard_to_case()
    {
        const string script = """
            require ["variables", "reject"];
            set "honorific"  "Mr";
            set "first_name" "Joe";
            set "last_name"  "Doe";
            set "vacation" text:
            Dear ${HONORIFIC} ${last_name},
            I'm out, please leave a message after the meep.
            .
            ;
            reject "${vacation}";
            """;
        Assert.Equal(["reject Dear Mr Doe,\r\nI'm out, please leave a message after the meep.\r\n"], Run.Script(script, "Subject: x\r\n\r\n"));
    }

    [Fact]
    public void Match_variables_hold_what_each_wildcard_took_as_the_section_3_2_examples_say()
    {
        const string script = """
            require ["fileinto", "variables"];
            if header :matches "List-ID" "*<*@*" {
                fileinto "INBOX.lists.${2}"; stop;
            }
            if header :matches "Subject" "[*] *" {
                fileinto "INBOX.lists.${1}"; stop;
            }
            if address :matches ["To", "Cc"] ["coyote@**.com",
                    "wile@**.com"] {
                fileinto "INBOX.business.${2}${1}"; stop;
            }
            """;
        Assert.Equal(["fileinto INBOX.lists.sieve"], Run.Script(script, "List-ID: Sieve list <sieve@example.org>\r\n\r\n"));
        Assert.Equal(["fileinto INBOX.lists.acme-users"], Run.Script(script, "Subject: [acme-users] [fwd] version 1.0 is out\r\n\r\n"));
        Assert.Equal(["fileinto INBOX.business.ACME.Example"], Run.Script(script, "To: coyote@ACME.Example.COM\r\n\r\n"));

        // ${0} is the whole value, ? is a wildcard of its own, and a failed test leaves them as they were.
        const string more = """
            require ["variables", "reject"];
            if header :matches "subject" "?ello *" { }
            if header :matches "subject" "nothing*" { }
            reject "${0}|${1}|${2}|${3}";
            """;
        Assert.Equal(["reject Hello world|H|world|"], Run.Script(more, "Subject: Hello world\r\n\r\n"));

        // :regex groups are match variables too.
        Assert.Equal(["fileinto Tickets/4711"], Run.Script("require [\"variables\", \"regex\", \"fileinto\"]; if header :regex \"subject\" \"ticket #([0-9]+)\" { fileinto \"Tickets/${1}\"; }", "Subject: Re: ticket #4711 is done\r\n\r\n"));
    }

    [Theory]
    [InlineData("", "juMBlEd lETteRS")]
    [InlineData(":length", "15")]
    [InlineData(":lower", "jumbled letters")]
    [InlineData(":upperfirst", "JuMBlEd lETteRS")]
    [InlineData(":upperfirst :lower", "Jumbled letters")]
    public void Set_modifiers_apply_in_the_order_of_section_4_1(string modifiers, string expected)
    {
        var script = $"require [\"variables\", \"reject\"]; set \"a\" \"juMBlEd lETteRS\"; set {modifiers} \"b\" \"${{a}}\"; reject \"${{b}}\";";
        Assert.Equal([$"reject {expected}"], Run.Script(script, "Subject: x\r\n\r\n"));
    }

    [Fact]
    public void Quotewildcard_makes_a_value_match_only_itself_and_the_string_test_compares_expanded_strings()
    {
        const string script = """
            require ["variables", "fileinto"];
            set :quotewildcard "literal" "Rock*";
            if string :matches "Rock and roll" "${literal}" { fileinto "wrong"; }
            if string :matches "Rock*" "${literal}" { fileinto "right"; }
            if string :is "${undefined}" "" { fileinto "empty"; }
            """;
        Assert.Equal(["fileinto right", "fileinto empty"], Run.Script(script, "Subject: x\r\n\r\n"));
        Assert.Equal(["keep"], Run.Script("require [\"variables\", \"relational\"]; if string :count \"eq\" [\"\", \"a\"] \"2\" { discard; }", "Subject: x\r\n\r\n"));
    }

    [Fact]
    public void What_is_not_a_reference_stays_and_misuse_is_refused_when_stored()
    {
        // A namespace the server does not know expands to nothing (§3); malformed references stay as written.
        Assert.Equal(["reject ${ a} ${a-b} $ {a} x"], Run.Script("require [\"variables\", \"reject\"]; reject \"${ a} ${a-b} $ {a} ${unknown.ns}x\";", "Subject: x\r\n\r\n"));

        // Without require "variables", "${...}" is plain text.
        Assert.Equal(["reject ${a}"], Run.Script("require \"reject\"; reject \"${a}\";", "Subject: x\r\n\r\n"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("set \"a\" \"b\";"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"variables\"; set \"1a\" \"b\";"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"variables\"; set :lower :upper \"a\" \"b\";"));
    }

    [Fact]
    public void A_redirect_built_from_variables_is_checked_when_it_runs_and_values_are_bounded()
    {
        Assert.Equal(["redirect boss@example.org"], Run.Script("require \"variables\"; set \"who\" \"boss\"; redirect \"${who}@example.org\";", "Subject: x\r\n\r\n"));
        Assert.Throws<SieveRuntimeException>(() => Run.Script("require \"variables\"; redirect \"${nobody}\";", "Subject: x\r\n\r\n"));

        // Doubling a variable twenty times stops at the value limit, not at gigabytes.
        var doubling = "require [\"variables\", \"reject\"]; set \"x\" \"ab\";" + string.Concat(Enumerable.Repeat(" set \"x\" \"${x}${x}\";", 20)) + " set :length \"n\" \"${x}\"; reject \"${n}\";";
        Assert.Equal(["reject 4096"], Run.Script(doubling, "Subject: x\r\n\r\n"));
    }
}
