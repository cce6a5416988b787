using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>date and currentdate (RFC 5260): its examples, every date part, zones, and dates that cannot be read.</summary>
public sealed class DateTests
{
    private static readonly DateTimeOffset Delivery = new(2026, 11, 30, 6, 30, 0, TimeSpan.Zero);

    // RFC 5260 §7, the first example.
    private const string WorkHours = """
        require ["date", "relational", "fileinto"];
        if allof(header :is "from" "boss@example.com",
                 date :value "ge" :originalzone "date" "hour" "09",
                 date :value "lt" :originalzone "date" "hour" "17")
        { fileinto "urgent"; }
        """;

    [Theory]
    [InlineData("Tue, 1 Apr 1997 09:06:31 -0800 (PST)", "fileinto urgent")]
    [InlineData("Tue, 1 Apr 1997 17:00:00 -0800", "keep")]
    [InlineData("not a date at all", "keep")]
    public void Mail_from_the_boss_in_working_hours_of_its_own_zone_is_urgent(string date, string expected)
    {
        Assert.Equal([expected], Run.Script(WorkHours, $"From: boss@example.com\r\nDate: {date}\r\n\r\nx\r\n", now: Delivery));
    }

    // RFC 5260 §7, the second example: the date of the first Received field, in the server's zone.
    [Theory]
    [InlineData("Sat, 5 Apr 1997 10:00:00 +0000", "fileinto weekend")]
    [InlineData("Sun, 6 Apr 1997 23:30:00 -0100", "keep")] // Monday 00:30 in the server's zone (UTC here)
    [InlineData("Mon, 7 Apr 1997 10:00:00 +0000", "keep")]
    public void Mail_received_at_the_weekend_is_filed_apart(string received, string expected)
    {
        const string script = """
            require ["date", "relational", "fileinto"];
            if anyof(date :is "received" "weekday" "0",
                     date :is "received" "weekday" "6")
            { fileinto "weekend"; }
            """;
        Assert.Equal([expected], Run.Script(script, $"Received: from a by b; {received}\r\nReceived: from c by d; Mon, 7 Apr 1997 10:00:00 +0000\r\n\r\nx\r\n", now: Delivery));
    }

    [Theory]
    [InlineData(":originalzone \"date\" \"year\"", "2000")]
    [InlineData(":originalzone \"date\" \"month\"", "01")]
    [InlineData(":originalzone \"date\" \"day\"", "01")]
    [InlineData(":originalzone \"date\" \"date\"", "2000-01-01")]
    [InlineData(":originalzone \"date\" \"julian\"", "51544")]
    [InlineData(":originalzone \"date\" \"hour\"", "12")]
    [InlineData(":originalzone \"date\" \"minute\"", "34")]
    [InlineData(":originalzone \"date\" \"second\"", "56")]
    [InlineData(":originalzone \"date\" \"time\"", "12:34:56")]
    [InlineData(":originalzone \"date\" \"zone\"", "-0800")]
    [InlineData(":originalzone \"date\" \"weekday\"", "6")]
    [InlineData(":zone \"+0100\" \"date\" \"iso8601\"", "2000-01-01T21:34:56+01:00")]
    [InlineData(":zone \"+0100\" \"date\" \"date\"", "2000-01-01")]
    [InlineData(":zone \"+0900\" \"date\" \"date\"", "2000-01-02")]
    [InlineData("\"date\" \"zone\"", "+0000")]
    [InlineData(":originalzone \"x-edge\" \"year\"", "9999")]
    public void Each_date_part_reads_as_RFC_5260_writes_it(string test, string key)
    {
        var script = $"require \"date\";\r\nif date {test} \"{key}\" {{ discard; }}";
        Assert.Empty(Run.Script(script, "Date: Sat, 1 Jan 2000 12:34:56 -0800\r\nX-Edge: Fri, 31 Dec 9999 23:00:00 +0000\r\n\r\nx\r\n", now: Delivery));
    }

    [Fact]
    public void A_date_a_zone_would_move_off_the_calendar_is_unreadable_not_an_error()
    {
        const string script = "require \"date\"; if anyof (date :zone \"+1400\" \"date\" \"year\" \"9999\", date :zone \"+1400\" \"date\" \"year\" \"10000\") { discard; }";
        Assert.Equal(["keep"], Run.Script(script, "Date: Fri, 31 Dec 9999 23:00:00 +0000\r\n\r\nx\r\n", now: Delivery));
    }

    [Fact]
    public void Currentdate_compares_the_time_of_delivery()
    {
        const string script = """
            require ["date", "relational", "imap4flags"];
            if allof(currentdate :value "ge" "date" "2026-11-01", currentdate :value "le" "date" "2026-11-30") { addflag "$November"; }
            if currentdate :zone "-0800" :is "date" "2026-11-29" { addflag "$PacificYesterday"; }
            """;
        Assert.Equal(["keep [$November $PacificYesterday]"], Run.Script(script, "Subject: x\r\n\r\nx\r\n", now: Delivery));
        Assert.Equal(["keep"], Run.Script(script, "Subject: x\r\n\r\nx\r\n", now: Delivery.AddDays(1).AddHours(12)));
    }

    [Theory]
    [InlineData("if date \"date\" \"hour\" \"09\" { keep; }", "\"date\" needs require \"date\"")]
    [InlineData("require \"date\"; if date \"date\" \"fortnight\" \"1\" { keep; }", "unknown date part \"fortnight\"")]
    [InlineData("require \"date\"; if date :zone \"CET\" \"date\" \"hour\" \"09\" { keep; }", "\"cet\" is not a zone like +0100")]
    [InlineData("require \"date\"; if date :zone \"+0100\" :originalzone \"date\" \"hour\" \"09\" { keep; }", ":zone and :originalzone exclude each other")]
    [InlineData("require \"date\"; if currentdate :originalzone \"hour\" \"09\" { keep; }", "\"currentdate\" takes no :originalzone")]
    public void Bad_date_tests_are_refused_when_compiled(string script, string reason)
    {
        Assert.Equal(reason, Assert.Throws<SieveScriptException>(() => SieveScript.Compile(script)).Reason);
    }
}
