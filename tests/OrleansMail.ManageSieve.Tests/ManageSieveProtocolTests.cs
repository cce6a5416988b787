using System.Text;
using Xunit;

namespace OrleansMail.ManageSieve.Tests;

/// <summary>RFC 5804 as raw transcripts over a real socket: every command, its response codes, and the odd corners.</summary>
public sealed class ManageSieveProtocolTests(ManageSieveHost host) : IClassFixture<ManageSieveHost>
{
    private const string Script = "require \"fileinto\";\r\nif header :contains \"subject\" \"[dev]\" { fileinto \"Dev\"; }\r\n";

    [Fact]
    public async Task The_greeting_lists_the_capabilities_the_RFC_names_and_STARTTLS_before_TLS()
    {
        await using var t = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port);
        Assert.Equal("\"IMPLEMENTATION\" \"OrleansMail\"", t.Greeting[0]);
        Assert.Contains("\"SASL\" \"PLAIN LOGIN\"", t.Greeting);
        Assert.Contains("\"STARTTLS\"", t.Greeting);
        Assert.Contains("\"VERSION\" \"1.0\"", t.Greeting);
        Assert.Contains("\"UNAUTHENTICATE\"", t.Greeting);
        var sieve = Assert.Single(t.Greeting, l => l.StartsWith("\"SIEVE\" ", StringComparison.Ordinal));
        Assert.Contains("fileinto", sieve);
        Assert.Contains("imap4flags", sieve);

        // No submission relay here: nothing that sends mail is offered, and a script that would is refused.
        Assert.DoesNotContain("vacation", sieve);
        Assert.DoesNotContain(t.Greeting, l => l.StartsWith("\"OWNER\"", StringComparison.Ordinal));
        Assert.Equal("OK \"sieve.test OrleansMail ManageSieve ready.\"", t.Greeting[^1]);
    }

    [Fact]
    public async Task A_script_goes_through_put_list_activate_get_rename_and_delete_with_the_RFC_response_codes()
    {
        var (t, user) = await host.LoggedInAsync();
        await using var _ = t;
        Assert.Contains($"\"OWNER\" \"{user}\"", await t.CommandAsync("CAPABILITY"));
        Assert.Equal(["OK \"Listscripts completed.\""], await t.CommandAsync("LISTSCRIPTS"));

        Assert.Equal(["OK \"Putscript completed.\""], await t.CommandAsync($"PUTSCRIPT \"main\" {SieveTranscript.Literal(Script)}"));
        Assert.Equal(["OK \"Putscript completed.\""], await t.CommandAsync("PUTSCRIPT \"spare\" \"keep;\""));
        Assert.Equal(["\"main\"", "\"spare\"", "OK \"Listscripts completed.\""], await t.CommandAsync("LISTSCRIPTS"));

        Assert.Equal(["OK \"Setactive completed.\""], await t.CommandAsync("SETACTIVE \"main\""));
        Assert.Equal(["\"main\" ACTIVE", "\"spare\"", "OK \"Listscripts completed.\""], await t.CommandAsync("LISTSCRIPTS"));
        Assert.Equal("NO (NONEXISTENT) \"No script called \\\"nope\\\"\"", (await t.CommandAsync("SETACTIVE \"nope\""))[^1]);

        // GETSCRIPT answers with a literal holding the script exactly as stored.
        var get = await t.CommandAsync("GETSCRIPT \"main\"");
        Assert.Equal($"{{{Script.Length}}}\n{Script}", get[0]);
        Assert.Equal("OK \"Getscript completed.\"", get[1]);
        Assert.StartsWith("NO (NONEXISTENT)", (await t.CommandAsync("GETSCRIPT \"nope\""))[^1], StringComparison.Ordinal);

        // §2.10: the active script cannot be deleted.
        Assert.Equal("NO (ACTIVE) \"The active script cannot be deleted; deactivate it first\"", (await t.CommandAsync("DELETESCRIPT \"main\""))[^1]);

        // §2.11: renaming the active script keeps it active; onto an existing name is ALREADYEXISTS.
        Assert.StartsWith("NO (ALREADYEXISTS)", (await t.CommandAsync("RENAMESCRIPT \"main\" \"spare\""))[^1], StringComparison.Ordinal);
        Assert.StartsWith("NO (NONEXISTENT)", (await t.CommandAsync("RENAMESCRIPT \"nope\" \"other\""))[^1], StringComparison.Ordinal);
        Assert.Equal(["OK \"Renamescript completed.\""], await t.CommandAsync("RENAMESCRIPT \"main\" \"filters\""));
        Assert.Equal(["\"filters\" ACTIVE", "\"spare\"", "OK \"Listscripts completed.\""], await t.CommandAsync("LISTSCRIPTS"));

        // §2.8: the empty name deactivates; then the script can go.
        Assert.Equal(["OK \"No script is active now.\""], await t.CommandAsync("SETACTIVE \"\""));
        Assert.Equal(["OK \"Deletescript completed.\""], await t.CommandAsync("DELETESCRIPT \"filters\""));
        Assert.StartsWith("NO (NONEXISTENT)", (await t.CommandAsync("DELETESCRIPT \"filters\""))[^1], StringComparison.Ordinal);
        Assert.Equal(["\"spare\"", "OK \"Listscripts completed.\""], await t.CommandAsync("LISTSCRIPTS"));
        Assert.Equal(["OK \"Logout completed.\""], await t.CommandAsync("LOGOUT"));
        Assert.True(await t.ClosedAsync());
    }

    [Fact]
    public async Task A_script_with_an_error_is_refused_at_its_line_and_column_and_not_stored()
    {
        var (t, _) = await host.LoggedInAsync();
        await using var _ = t;
        const string bad = "require \"fileinto\";\r\nif header :is \"subject\" \"x\" {\r\n  fileinto;\r\n}\r\n";
        var put = await t.CommandAsync($"PUTSCRIPT \"bad\" {SieveTranscript.Literal(bad)}");
        Assert.Matches("^NO \"line 3, column \\d+: .*\"$", Assert.Single(put));
        Assert.Equal(put, await t.CommandAsync($"CHECKSCRIPT {SieveTranscript.Literal(bad)}"));
        Assert.Equal(["OK \"Script is valid.\""], await t.CommandAsync($"CHECKSCRIPT {SieveTranscript.Literal(Script)}"));
        Assert.StartsWith("NO", (await t.CommandAsync("CHECKSCRIPT \"require \\\"nonesuch\\\";\""))[^1], StringComparison.Ordinal);
        Assert.Equal(["NO \"line 1, column 1: vacation needs a submission relay, and this server has none\""], await t.CommandAsync($"PUTSCRIPT \"away\" {SieveTranscript.Literal("require \"vacation\"; vacation \"Away.\";")}"));
        Assert.Equal(["OK \"Listscripts completed.\""], await t.CommandAsync("LISTSCRIPTS"));
    }

    [Fact]
    public async Task Space_and_count_limits_answer_QUOTA_codes_and_an_oversized_literal_is_dropped_with_the_session_kept()
    {
        var (t, _) = await host.LoggedInAsync();
        await using var _ = t;
        Assert.Equal(["OK \"Putscript would succeed.\""], await t.CommandAsync("HAVESPACE \"main\" 1000"));
        Assert.StartsWith("NO (QUOTA/MAXSIZE)", (await t.CommandAsync("HAVESPACE \"main\" 100000"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("NO", (await t.CommandAsync("HAVESPACE \"main\" \"1000\""))[^1], StringComparison.Ordinal);

        // 70,000 octets: over the 64 KiB a script may have, read and dropped, answered, and the session goes on.
        var large = "# " + new string('x', 70_000) + "\r\nkeep;\r\n";
        Assert.StartsWith("NO (QUOTA/MAXSIZE)", (await t.CommandAsync($"PUTSCRIPT \"large\" {SieveTranscript.Literal(large)}"))[^1], StringComparison.Ordinal);
        Assert.Equal(["OK (TAG \"still here\") \"Done.\""], await t.CommandAsync("NOOP \"still here\""));

        for (var i = 0; i < 32; i++)
        {
            Assert.Equal(["OK \"Putscript completed.\""], await t.CommandAsync($"PUTSCRIPT \"s{i}\" \"keep;\""));
        }

        Assert.StartsWith("NO (QUOTA/MAXSCRIPTS)", (await t.CommandAsync("PUTSCRIPT \"one more\" \"keep;\""))[^1], StringComparison.Ordinal);
        Assert.StartsWith("NO (QUOTA/MAXSCRIPTS)", (await t.CommandAsync("HAVESPACE \"one more\" 10"))[^1], StringComparison.Ordinal);

        // Replacing an existing script is not one more.
        Assert.Equal(["OK \"Putscript completed.\""], await t.CommandAsync("PUTSCRIPT \"s0\" \"discard;\""));
    }

    [Fact]
    public async Task A_literal_larger_than_can_be_skipped_ends_the_connection_with_BYE()
    {
        var (t, _) = await host.LoggedInAsync();
        await using var _ = t;
        await t.SendAsync("PUTSCRIPT \"huge\" {4000000000+}\r\n");
        Assert.Equal(["BYE \"Literal too large.\""], await t.ResponseAsync());
        Assert.True(await t.ClosedAsync());
    }

    [Fact]
    public async Task Before_login_a_command_brings_a_few_KiB_at_most_and_script_commands_are_refused()
    {
        await using (var t = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port))
        {
            Assert.Equal(["NO \"Log in first\""], await t.CommandAsync("LISTSCRIPTS"));
            Assert.Equal(["NO \"Log in first\""], await t.CommandAsync("PUTSCRIPT \"a\" \"keep;\""));
            await t.SendAsync("AUTHENTICATE \"PLAIN\" {20000+}\r\n");
            Assert.Equal(["BYE \"Literal too large.\""], await t.ResponseAsync());
            Assert.True(await t.ClosedAsync());
        }

        await using (var t = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port))
        {
            // A line that never ends is cut off, not buffered.
            await t.SendAsync("NOOP \"" + new string('a', 20_000));
            Assert.Equal(["BYE \"Line too long.\""], await t.ResponseAsync());
            Assert.True(await t.ClosedAsync());
        }
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order_and_a_malformed_line_costs_only_itself()
    {
        await using var t = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port);
        await t.SendAsync("NOOP \"a\r\nFROB\r\nNOOP \"bad \\x escape\"\r\nNOOP {3+}\r\nb\"c\r\nNOOP 12 34\r\nNOOP 99999999999\r\nCAPABILITY\r\n");
        Assert.Equal(["NO \"Unterminated quoted string\""], await t.ResponseAsync());
        Assert.Equal(["NO \"Unknown command FROB\""], await t.ResponseAsync());
        Assert.Equal(["NO \"Invalid escape in a quoted string\""], await t.ResponseAsync());
        Assert.Equal(["OK (TAG \"b\\\"c\") \"Done.\""], await t.ResponseAsync());
        Assert.Equal(["NO \"Syntax: NOOP [tag]\""], await t.ResponseAsync());
        Assert.Equal(["NO \"Number too large\""], await t.ResponseAsync());
        Assert.Equal("OK \"Capability completed.\"", (await t.ResponseAsync())[^1]);
    }

    [Fact]
    public async Task Refused_commands_in_a_row_end_the_session()
    {
        await using var t = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(["NO \"Unknown command XYZZY\""], await t.CommandAsync("XYZZY"));
        }

        await t.SendAsync("XYZZY\r\n");
        Assert.Equal("NO \"Unknown command XYZZY\"", await t.ReadLineAsync());
        Assert.Equal("BYE \"Too many invalid commands.\"", await t.ReadLineAsync());
        Assert.True(await t.ClosedAsync());
    }

    [Fact]
    public async Task AUTHENTICATE_answers_challenges_with_strings_and_a_star_aborts()
    {
        var user = host.NewUser();
        await using var t = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port);

        // PLAIN without an initial response: the server's challenge is the empty string.
        await t.SendAsync("AUTHENTICATE \"PLAIN\"\r\n");
        Assert.Equal("\"\"", await t.ReadLineAsync());
        Assert.Equal(["NO \"Authentication aborted\""], await t.CommandAsync("\"*\""));

        // LOGIN: two challenges, answered here once quoted and once as a literal.
        await t.SendAsync("AUTHENTICATE \"LOGIN\"\r\n");
        Assert.Equal($"\"{Convert.ToBase64String("Username:"u8)}\"", await t.ReadLineAsync());
        await t.SendAsync($"\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(user))}\"\r\n");
        Assert.Equal($"\"{Convert.ToBase64String("Password:"u8)}\"", await t.ReadLineAsync());
        Assert.Equal(["OK \"Logged in.\""], await t.CommandAsync(SieveTranscript.Literal(Convert.ToBase64String("secret"u8))));
        Assert.Equal(["NO \"Already logged in\""], await t.CommandAsync($"AUTHENTICATE \"PLAIN\" \"{SieveTranscript.Plain(user, "secret")}\""));

        // UNAUTHENTICATE (§2.14): back to the start; script commands need a login again.
        Assert.Equal(["OK \"Unauthenticate completed.\""], await t.CommandAsync("UNAUTHENTICATE"));
        Assert.Equal(["NO \"Log in first\""], await t.CommandAsync("LISTSCRIPTS"));
        Assert.Equal(["NO \"Not logged in\""], await t.CommandAsync("UNAUTHENTICATE"));
        Assert.Equal("OK \"Logged in.\"", await t.LoginAsync(user));
        Assert.Equal(["NO \"Acting as another user is not allowed\""], await (await SieveTranscript.ConnectAsync("127.0.0.1", host.Port)).CommandAsync($"AUTHENTICATE \"PLAIN\" \"{Convert.ToBase64String(Encoding.UTF8.GetBytes($"user99\0{user}\0secret"))}\""));
        Assert.Equal(["NO \"Unsupported mechanism; use one of PLAIN LOGIN\""], await (await SieveTranscript.ConnectAsync("127.0.0.1", host.Port)).CommandAsync("AUTHENTICATE \"CRAM-MD5\""));
    }

    [Fact]
    public async Task Failed_logins_are_slowed_and_past_the_limit_end_the_connection()
    {
        var user = host.NewUser();
        await using var t = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port);
        Assert.Equal("NO \"Authentication failed.\"", await t.LoginAsync(user, "wrong"));
        Assert.Equal("NO \"Authentication failed.\"", await t.LoginAsync(user, "wrong"));
        Assert.Equal("BYE \"Too many failed logins.\"", await t.LoginAsync(user, "wrong"));
        Assert.True(await t.ClosedAsync());

        // The right password still works on a new connection: the penalty delays, it does not lock out.
        await using var again = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port);
        Assert.Equal("OK \"Logged in.\"", await again.LoginAsync(user));
    }

    [Fact]
    public async Task Script_names_with_controls_line_separators_or_invalid_UTF8_are_refused()
    {
        var (t, _) = await host.LoggedInAsync();
        await using var _ = t;
        Assert.StartsWith("NO \"A script name is", (await t.CommandAsync($"PUTSCRIPT {SieveTranscript.Literal("a\tb")} \"keep;\""))[^1], StringComparison.Ordinal);
        Assert.StartsWith("NO \"A script name is", (await t.CommandAsync("PUTSCRIPT \"a\u2028b\" \"keep;\""))[^1], StringComparison.Ordinal);
        Assert.StartsWith("NO \"A script name is", (await t.CommandAsync("PUTSCRIPT \"\" \"keep;\""))[^1], StringComparison.Ordinal);
        await t.SendAsync([.. "PUTSCRIPT \"a"u8, 0xC3, 0x28, .. "\" \"keep;\"\r\n"u8]);
        Assert.Equal(["NO \"The script name must be a UTF-8 string\""], await t.ResponseAsync());
        Assert.Equal(["OK \"Putscript completed.\""], await t.CommandAsync("PUTSCRIPT \"Ferien – été\" \"keep;\""));
        Assert.Equal(["\"Ferien – été\"", "OK \"Listscripts completed.\""], await t.CommandAsync("LISTSCRIPTS"));
    }

    [Fact]
    public async Task STARTTLS_re_issues_the_capabilities_without_STARTTLS_and_drops_plaintext_pipelined_after_it()
    {
        var user = host.NewUser();
        await using var t = await SieveTranscript.ConnectAsync("127.0.0.1", host.Port);

        // Bytes sent in plaintext behind STARTTLS must not run inside TLS (CVE-2011-0411).
        await t.SendAsync("STARTTLS\r\nLISTSCRIPTS\r\n");
        Assert.Equal(["OK \"Begin TLS negotiation now.\""], await t.ResponseAsync());
        var capabilities = await t.StartTlsAfterOkAsync(ManageSieveHost.CertificateSubject);
        Assert.DoesNotContain("\"STARTTLS\"", capabilities);
        Assert.Equal("OK \"TLS negotiation successful.\"", capabilities[^1]);
        Assert.Equal("OK \"Logged in.\"", await t.LoginAsync(user));
        Assert.Equal(["OK \"Listscripts completed.\""], await t.CommandAsync("LISTSCRIPTS"));
        Assert.Equal(["NO \"STARTTLS is allowed only before login\""], await t.CommandAsync("STARTTLS"));
    }
}
