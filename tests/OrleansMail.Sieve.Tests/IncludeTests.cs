using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>include, return and global (RFC 6609): where an included script runs, what ends it, what it shares.</summary>
public sealed class IncludeTests
{
    private static string[] Run(string main, Dictionary<string, string> personal, string message = "Subject: hello\r\n\r\n") =>
        [.. SieveScript.Compile(main, null, personal.GetValueOrDefault).Evaluate(SieveMessage.Parse(message, "a@example.org", "me@example.com")).Select(Tests.Run.Spell)];

    [Fact]
    public void An_included_script_runs_in_place_return_ends_it_and_stop_ends_everything()
    {
        var personal = new Dictionary<string, string>
        {
            ["spam"] = "require \"fileinto\"; if header :contains \"subject\" \"viagra\" { fileinto \"Junk\"; stop; } fileinto \"Checked\";",
            ["early"] = "require [\"include\", \"fileinto\"]; return; fileinto \"Never\";",
        };
        const string main = "require [\"include\", \"fileinto\"]; include \"spam\"; include :personal \"early\"; fileinto \"After\";";
        Assert.Equal(["fileinto Checked", "fileinto After"], Run(main, personal));
        Assert.Equal(["fileinto Junk"], Run(main, personal, "Subject: cheap viagra\r\n\r\n"));
    }

    [Fact]
    public void Once_runs_a_script_one_time_and_optional_forgives_a_missing_one()
    {
        var personal = new Dictionary<string, string> { ["flag"] = "require \"imap4flags\"; addflag \"$Seen-Once\"; addflag \"\\\\Flagged\";" };
        Assert.Equal(["keep [$Seen-Once \\Flagged]"], Run("require \"include\"; include :once \"flag\"; include :once \"flag\";", personal));
        Assert.Equal(["keep"], Run("require \"include\"; include :optional \"absent\"; include :optional :global \"spam\";", personal));

        // Missing without :optional: the run fails (and a delivery keeps the message).
        Assert.Throws<SieveRuntimeException>(() => Run("require \"include\"; include \"absent\";", personal));
    }

    [Fact]
    public void Variables_are_each_script_s_own_unless_declared_global()
    {
        var personal = new Dictionary<string, string>
        {
            ["sub"] = "require [\"include\", \"variables\"]; global \"target\"; set \"local\" \"sub\"; set \"target\" \"Projects/${target}\";",
        };
        const string main = """
            require ["include", "variables", "fileinto"];
            global "target";
            set "target" "Acme";
            set "local" "main";
            include "sub";
            fileinto "${target}-${local}";
            """;
        Assert.Equal(["fileinto Projects/Acme-main"], Run(main, personal));
    }

    [Fact]
    public void Loops_depth_and_bad_names_are_refused_when_stored()
    {
        var loop = new Dictionary<string, string> { ["a"] = "require \"include\"; include \"b\";", ["b"] = "require \"include\"; include \"a\";" };
        var e = Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"include\"; include \"a\";", null, loop.GetValueOrDefault));
        Assert.Contains("would loop (a → b → a)", e.Message, StringComparison.Ordinal);

        var deep = Enumerable.Range(0, 20).ToDictionary(i => $"s{i}", i => $"require \"include\"; include \"s{i + 1}\";");
        Assert.Contains("nest more than", Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"include\"; include \"s0\";", null, deep.GetValueOrDefault)).Message, StringComparison.Ordinal);

        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require [\"include\", \"variables\"]; include \"${x}\";"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("include \"a\";"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"include\"; include :personal :global \"a\";"));
        Assert.Contains("the included script \"bad\" is not valid", Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"include\"; include \"bad\";", null, new Dictionary<string, string> { ["bad"] = "fileinto;" }.GetValueOrDefault)).Message, StringComparison.Ordinal);
    }
}
