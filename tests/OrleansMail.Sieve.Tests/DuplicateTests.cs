using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>duplicate (RFC 7352): which id a test reads, what it asks to be remembered, and when a sighting counts.</summary>
public sealed class DuplicateTests
{
    private const string Message = "Message-ID: <abc@example.net>\r\nX-Ticket: 42\r\nSubject: hi\r\n\r\n";

    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<SieveAction> Run(string script, IReadOnlyDictionary<string, long>? seen = null, string message = Message) =>
        SieveScript.Compile(script).Evaluate(SieveMessage.Parse(message, "a@example.org", "me@example.com"), now: Now, seen: seen);

    [Fact]
    public void The_first_copy_is_kept_and_remembered_and_a_copy_within_the_period_is_a_duplicate()
    {
        const string script = "require \"duplicate\"; if duplicate { discard; stop; }";
        var first = Run(script);
        var track = Assert.Single(first.OfType<SieveTrackDuplicate>());
        Assert.Equal((12L * 3600, false), (track.Seconds, track.Last));
        Assert.Single(first.OfType<SieveKeep>());

        // Seen an hour ago: a duplicate, discarded. Seen thirteen hours ago: past the default 12 hours, kept.
        Assert.Empty(Run(script, new Dictionary<string, long> { [track.Key] = Now.AddHours(-1).ToUnixTimeSeconds() }).OfType<SieveKeep>());
        Assert.Single(Run(script, new Dictionary<string, long> { [track.Key] = Now.AddHours(-13).ToUnixTimeSeconds() }).OfType<SieveKeep>());
    }

    [Fact]
    public void Handles_headers_and_unique_ids_make_different_keys_and_seconds_are_bounded()
    {
        string Key(string script) => Assert.Single(Run(script).OfType<SieveTrackDuplicate>()).Key;
        var messageId = Key("require \"duplicate\"; if duplicate { }");
        Assert.NotEqual(messageId, Key("require \"duplicate\"; if duplicate :handle \"lists\" { }"));
        Assert.NotEqual(messageId, Key("require \"duplicate\"; if duplicate :header \"X-Ticket\" { }"));
        Assert.Equal(Key("require \"duplicate\"; if duplicate :header \"X-Ticket\" { }"), Key("require \"duplicate\"; if duplicate :uniqueid \"42\" { }"));
        Assert.True(Assert.Single(Run("require \"duplicate\"; if duplicate :last { }").OfType<SieveTrackDuplicate>()).Last);
        Assert.Equal(7L * 24 * 3600, Assert.Single(Run("require \"duplicate\"; if duplicate :seconds 99999999 { }").OfType<SieveTrackDuplicate>()).Seconds);

        // No Message-ID: never a duplicate, nothing to remember.
        Assert.Empty(Run("require \"duplicate\"; if duplicate { discard; }", message: "Subject: x\r\n\r\n").OfType<SieveTrackDuplicate>());
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"duplicate\"; if duplicate :header \"a\" :uniqueid \"b\" { }"));
        Assert.Throws<SieveScriptException>(() => SieveScript.Compile("if duplicate { }"));
    }
}
