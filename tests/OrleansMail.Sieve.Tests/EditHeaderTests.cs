using MimeKit;
using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>editheader (RFC 5293), which a site must enable: what later tests see, what the delivery gets, what stays protected.</summary>
public sealed class EditHeaderTests
{
    private static readonly SieveLimits Enabled = new() { AllowEditHeader = true };

    private const string Message = "Received: from a by b; Mon, 30 Nov 2026 08:00:00 +0000\r\nX-Spam: yes\r\nX-Spam: maybe\r\nSubject: offer\r\n\r\nbody\r\n";

    private static (IReadOnlyList<SieveAction> Actions, HeaderList? Headers) Run(string script)
    {
        var actions = SieveScript.Compile(script, Enabled).Evaluate(SieveMessage.Parse(Message, "a@example.org", "me@example.com"));
        return (actions, actions.OfType<SieveHeaderEdited>().SingleOrDefault()?.Headers);
    }

    [Fact]
    public void Added_fields_go_first_or_last_and_later_tests_see_them()
    {
        var (actions, headers) = Run("""
            require ["editheader", "fileinto"];
            addheader "X-Filtered" "by OrleansMail";
            addheader :last "X-Note" "Grüße";
            if header :is "x-filtered" "by OrleansMail" { fileinto "Filtered"; }
            """);
        Assert.Contains(actions, a => a is SieveFileInto { Mailbox: "Filtered" });
        Assert.Equal("X-Filtered", headers![0].Field);
        Assert.Equal("X-Note", headers[^1].Field);
        Assert.Equal("Grüße", headers[^1].Value);
    }

    [Fact]
    public void Deleteheader_removes_by_value_pattern_or_index_and_never_a_protected_field()
    {
        Assert.Equal(["Received", "X-Spam", "Subject"], Run("require \"editheader\"; deleteheader :is \"X-Spam\" \"yes\";").Headers!.Select(h => h.Field));
        Assert.Equal(["Received", "X-Spam", "Subject"], Run("require [\"editheader\", \"index\"]; deleteheader :index 1 :last \"X-Spam\";").Headers!.Select(h => h.Field));
        Assert.Equal(["Received", "Subject"], Run("require \"editheader\"; deleteheader \"x-spam\";").Headers!.Select(h => h.Field));

        // Received and Auto-Submitted stay whatever a script says; nothing edited, nothing to store differently.
        Assert.Null(Run("require \"editheader\"; deleteheader \"Received\"; addheader \"Auto-Submitted\" \"no\";").Headers);
        Assert.Null(Run("require \"editheader\"; deleteheader \"X-Absent\";").Headers);
    }

    [Fact]
    public void It_is_off_unless_the_site_enables_it_and_field_names_are_checked()
    {
        Assert.Equal("line 1, column 1: editheader is not enabled on this server", Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"editheader\";")).Message);
        Assert.DoesNotContain("editheader", SieveScript.ExtensionsFor(new SieveLimits()));
        Assert.Contains("editheader", SieveScript.ExtensionsFor(Enabled));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"editheader\"; addheader \"Bad Name:\" \"x\";", Enabled));
    }
}
