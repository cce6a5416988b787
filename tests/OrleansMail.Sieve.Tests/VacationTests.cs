using MimeKit;
using Xunit;

namespace OrleansMail.Sieve.Tests;

/// <summary>RFC 5230: the vacation action as scripts write it (the RFC's examples), and who gets an answer and what it says.</summary>
public sealed class VacationTests
{
    private const string ToMe = "From: bob@example.net\r\nTo: me@example.com\r\nSubject: Lunch?\r\nMessage-ID: <lunch@example.net>\r\nReferences: <earlier@example.net>\r\n\r\nbody\r\n";

    private static SieveVacation Vacation(string script) =>
        Assert.IsType<SieveVacation>(Assert.Single(SieveScript.Compile(script).Evaluate(SieveMessage.Parse(ToMe, "bob@example.net", "me@example.com")), a => a is SieveVacation));

    [Fact]
    public void The_RFC_5230_examples_compile_and_run_with_their_arguments()
    {
        // §4.7's examples, verbatim.
        Assert.Equal(
            ["vacation 7d I'm out -- send mail to cyrus-bugs", "keep"],
            Run.Script("""
                require "vacation";
                if header :contains "subject" "cyrus" {
                    vacation "I'm out -- send mail to cyrus-bugs";
                } else {
                    vacation "I'm out -- call me at +1 304 555 0123";
                }
                """, "Subject: about cyrus\r\n\r\n"));

        var vacation = Vacation("""
            require "vacation";
            vacation :days 23 :addresses ["tjs@example.edu",
                                          "ts4z@landru.example.edu"]
               "I'm away until October 19.
               If it's an emergency, call 911, I guess." ;
            """);
        Assert.Equal(23, vacation.Days);
        Assert.Equal(["tjs@example.edu", "ts4z@landru.example.edu"], vacation.Addresses);

        var mime = Vacation("""
            require "vacation";
            vacation :mime text:
            Content-Type: multipart/alternative; boundary=foo

            --foo

            I'm at the beach relaxing.  Mmmm, surf...

            --foo
            Content-Type: text/html; charset=us-ascii

            <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN"
             "http://www.w3.org/TR/REC-html40/strict.dtd">
            <HTML><HEAD><TITLE>How to relax</TITLE>
            <BASE HREF="http://home.example.com/pictures/"></HEAD>
            <BODY><P>I'm at the <A HREF="beach.gif">beach</A> relaxing.
            Mmmm, <A HREF="ocean.gif">surf</A>...
            </BODY></HTML>

            --foo--
            .
            ;
            """);
        Assert.True(mime.Mime);
        var reply = VacationResponse.Build(SieveMessage.Parse(ToMe, "bob@example.net", "me@example.com"), mime, "me@example.com", DateTimeOffset.UnixEpoch);
        Assert.IsType<MultipartAlternative>(reply.Body);
    }

    [Fact]
    public void Days_are_brought_within_the_site_s_bounds_and_the_handle_follows_the_reply()
    {
        Assert.Equal(1, Vacation("require \"vacation\"; vacation :days 0 \"x\";").Days);
        Assert.Equal(30, Vacation("require \"vacation\"; vacation :days 365 \"x\";").Days);
        Assert.Equal(7, Vacation("require \"vacation\"; vacation \"x\";").Days);

        // §4.2: without :handle, a changed reason is a new vacation; with one, the handle decides.
        Assert.NotEqual(Vacation("require \"vacation\"; vacation \"x\";").Handle, Vacation("require \"vacation\"; vacation \"y\";").Handle);
        Assert.Equal(Vacation("require \"vacation\"; vacation \"x\";").Handle, Vacation("require \"vacation\"; vacation \"x\";").Handle);
        Assert.Equal("trip", Vacation("require \"vacation\"; vacation :handle \"trip\" \"y\";").Handle);
    }

    [Theory]
    [InlineData("require \"vacation\"; vacation :days \"7\" \"x\";", "line 1, column 30: :days needs a number after it")]
    [InlineData("require \"vacation\"; vacation :from \"not an address\" \"x\";", "line 1, column 21: :from \"not an address\" is not a mail address")]
    [InlineData("require \"vacation\"; vacation :mime \"x\";", "line 1, column 21: with :mime the reason must be a MIME part")]
    [InlineData("vacation \"x\";", "line 1, column 1: \"vacation\" needs require \"vacation\"")]
    [InlineData("require \"vacation\"; vacation;", "line 1, column 21: \"vacation\" needs the reason")]
    public void Misused_vacation_is_refused_where_it_is_written(string script, string error)
    {
        Assert.Equal(error, Assert.Throws<SieveScriptException>(() => SieveScript.Compile(script)).Message);
    }

    [Fact]
    public void Without_a_way_to_send_mail_vacation_and_redirect_are_refused_when_stored()
    {
        var limits = new SieveLimits { CanSendMail = false };
        Assert.Equal("line 1, column 1: vacation needs a submission relay, and this server has none", Assert.Throws<SieveScriptException>(() => SieveScript.Compile("require \"vacation\"; vacation \"x\";", limits)).Message);
        Assert.DoesNotContain("vacation", SieveScript.ExtensionsFor(limits));
        Assert.Contains("vacation", SieveScript.ExtensionsFor(new SieveLimits()));
    }

    [Fact]
    public void Two_vacations_in_one_run_are_an_error_and_vacation_with_reject_is_too()
    {
        Assert.Throws<SieveRuntimeException>(() => Run.Script("require \"vacation\"; vacation \"a\"; vacation :handle \"b\" \"b\";", ToMe));
        Assert.Throws<SieveRuntimeException>(() => Run.Script("require [\"vacation\", \"reject\"]; vacation \"a\"; reject \"no\";", ToMe));
    }

    [Theory]
    [InlineData("bob@example.net", ToMe, true)]
    [InlineData("", ToMe, false)] // a bounce
    [InlineData("MAILER-DAEMON@example.net", ToMe, false)]
    [InlineData("owner-list@example.net", ToMe, false)]
    [InlineData("list-request@example.net", ToMe, false)]
    [InlineData("me@example.com", ToMe, false)] // never to oneself
    [InlineData("bob@example.net", "From: bob@example.net\r\nTo: me@example.com\r\nAuto-Submitted: auto-replied\r\n\r\n", false)]
    [InlineData("bob@example.net", "From: bob@example.net\r\nTo: me@example.com\r\nAuto-Submitted: no\r\n\r\n", true)]
    [InlineData("bob@example.net", "From: bob@example.net\r\nTo: me@example.com\r\nList-Id: <dev.example.net>\r\n\r\n", false)]
    [InlineData("bob@example.net", "From: bob@example.net\r\nTo: me@example.com\r\nPrecedence: bulk\r\n\r\n", false)]
    [InlineData("bob@example.net", "From: bob@example.net\r\nTo: everyone@example.com\r\n\r\n", false)] // not addressed to the user
    [InlineData("bob@example.net", "From: bob@example.net\r\nTo: other@example.com\r\nCc: Me <ME@example.com>\r\n\r\n", true)]
    [InlineData("bob@example.net", "From: bob@example.net\r\nTo: alias@example.com\r\n\r\n", true)] // :addresses
    public void Only_personal_mail_from_a_person_gets_an_answer(string sender, string message, bool answered)
    {
        var vacation = new SieveVacation("away", null, null, ["alias@example.com"], false, "h", 7);
        Assert.Equal(answered, VacationResponse.ShouldReply(SieveMessage.Parse(message, sender, "me+tag@example.com"), vacation, ["me+tag@example.com", "me@example.com"]));
    }

    [Fact]
    public void The_answer_goes_to_the_sender_from_the_user_threaded_and_marked_auto_replied()
    {
        var message = SieveMessage.Parse(ToMe, "bob-bounces@example.net", "me@example.com");
        var reply = VacationResponse.Build(message, new SieveVacation("Back on Monday.", null, null, [], false, "h", 7), "me@example.com", DateTimeOffset.UnixEpoch);
        Assert.Equal("me@example.com", Assert.Single(reply.From.Mailboxes).Address);
        Assert.Equal("bob-bounces@example.net", Assert.Single(reply.To.Mailboxes).Address);
        Assert.Equal("Auto: Lunch?", reply.Subject);
        Assert.Equal("lunch@example.net", reply.InReplyTo);
        Assert.Equal(["earlier@example.net", "lunch@example.net"], reply.References);
        Assert.Equal("auto-replied (vacation)", reply.Headers["Auto-Submitted"]);
        Assert.Equal("Back on Monday.", reply.TextBody?.Trim());

        var custom = VacationResponse.Build(message, new SieveVacation("x", "Away", "Me <vacation@example.com>", [], false, "h", 7), "me@example.com", DateTimeOffset.UnixEpoch);
        Assert.Equal("Away", custom.Subject);
        Assert.Equal("vacation@example.com", Assert.Single(custom.From.Mailboxes).Address);

        // One sender and one vacation make one key, whatever the case of the address.
        var vacation = new SieveVacation("x", null, null, [], false, "h", 7);
        Assert.Equal(VacationResponse.TrackingKey(vacation, "Bob@Example.net"), VacationResponse.TrackingKey(vacation, "bob@example.net"));
        Assert.NotEqual(VacationResponse.TrackingKey(vacation, "bob@example.net"), VacationResponse.TrackingKey(vacation with { Handle = "other" }, "bob@example.net"));
    }
}
