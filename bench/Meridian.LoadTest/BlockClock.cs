using System.Diagnostics;

namespace Meridian.LoadTest;

/// <summary>
/// Times a run in blocks of completed operations (10k each, say), so the rate of the first block can be set against the
/// rate of the last: a cost that grows with what the server already holds shows as a last block slower than the first.
/// </summary>
internal sealed class BlockClock(int blockSize, long total)
{
    private readonly long[] _ends = new long[Math.Max(1, (int)(total / blockSize))];
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _done;

    public void Completed()
    {
        var done = Interlocked.Increment(ref _done);
        if (done % blockSize == 0 && done / blockSize - 1 < _ends.Length)
        {
            _ends[done / blockSize - 1] = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Operations per second in block <paramref name="index"/>; NaN when the run did not get that far.</summary>
    public double Rate(int index)
    {
        var end = _ends[index];
        var begin = index == 0 ? _start : _ends[index - 1];
        return end == 0 || begin == 0 ? double.NaN : blockSize / Stopwatch.GetElapsedTime(begin, end).TotalSeconds;
    }

    public int Blocks => _ends.Length;
}
