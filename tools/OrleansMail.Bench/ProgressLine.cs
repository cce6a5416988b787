using System.Diagnostics;

namespace OrleansMail.Bench;

/// <summary>A progress line on the terminal (standard error, rewritten in place at most four times a second).</summary>
internal sealed class ProgressLine(string label, long total)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _done;
    private long _shownAt;

    public void Step()
    {
        var done = Interlocked.Increment(ref _done);
        var now = Stopwatch.GetTimestamp();
        var shown = Interlocked.Read(ref _shownAt);
        if (Console.IsErrorRedirected || (done < total && Stopwatch.GetElapsedTime(shown, now) < TimeSpan.FromMilliseconds(250)))
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _shownAt, now, shown) == shown)
        {
            var seconds = Stopwatch.GetElapsedTime(_started, now).TotalSeconds;
            Console.Error.Write($"\r  {label}: {done}/{total} ({done / Math.Max(seconds, 0.001):0}/s)   ");
            if (done >= total)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
