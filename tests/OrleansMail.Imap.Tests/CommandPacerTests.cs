using OrleansMail.Connections;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>The command-rate guard paces a fast session command by command instead of stalling it for the rest of a second.</summary>
public sealed class CommandPacerTests
{
    [Fact]
    public void A_burst_of_a_seconds_worth_runs_at_once_and_the_next_command_waits_one_interval()
    {
        var clock = new SteppedClock();
        var pacer = new CommandPacer(500, clock);
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(TimeSpan.Zero, pacer.Admit());
        }

        Assert.Equal(TimeSpan.FromMilliseconds(2), pacer.Admit());
        Assert.Equal(TimeSpan.FromMilliseconds(4), pacer.Admit());
    }

    [Fact]
    public void A_session_at_the_rate_never_waits()
    {
        var clock = new SteppedClock();
        var pacer = new CommandPacer(100, clock);
        for (var i = 0; i < 1000; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            Assert.Equal(TimeSpan.Zero, pacer.Admit());
        }
    }

    [Fact]
    public void A_flooding_session_gets_the_rate_and_no_more()
    {
        var clock = new SteppedClock();
        var pacer = new CommandPacer(100, clock);
        var admitted = 0;

        // Ten seconds of a client that sends its next command the moment the last one was let through.
        while (clock.Now < TimeSpan.FromSeconds(10))
        {
            clock.Advance(pacer.Admit());
            admitted++;
        }

        // The first second's burst, then the rate.
        Assert.InRange(admitted, 1090, 1110);
    }

    [Fact]
    public void Quiet_time_refills_the_burst_but_never_beyond_a_seconds_worth()
    {
        var clock = new SteppedClock();
        var pacer = new CommandPacer(10, clock);
        clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.Zero, pacer.Admit());
        }

        Assert.True(pacer.Admit() > TimeSpan.Zero);
    }

    /// <summary>A clock that moves only when the test moves it.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        public TimeSpan Now { get; private set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now.Ticks;

        public void Advance(TimeSpan by) => Now += by;
    }
}
