using System.Buffers;

namespace OrleansMail.Fuzz.Targets;

/// <summary>Builds buffers of many small segments: the worst case for code that assumes contiguous memory.</summary>
public static class SegmentedBuffer
{
    public static ReadOnlySequence<byte> Of(byte[] bytes, int segmentLength = 1)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, Math.Min(segmentLength, bytes.Length)), 0);
        var last = first;
        for (var i = first.Memory.Length; i < bytes.Length; i += segmentLength)
        {
            last = last.Append(bytes.AsMemory(i, Math.Min(segmentLength, bytes.Length - i)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>What is left of the last buffer followed by the next chunk of input, as one segmented buffer.</summary>
    public static ReadOnlySequence<byte> Join(byte[] pending, byte[] input, int offset, int count, int segmentLength)
    {
        var joined = new byte[pending.Length + count];
        pending.CopyTo(joined, 0);
        Array.Copy(input, offset, joined, pending.Length, count);
        return Of(joined, segmentLength);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
