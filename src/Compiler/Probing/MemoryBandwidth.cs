using System.Diagnostics;
using OnnxCoDesign.Compiler.Measurement;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// Sustained memory bandwidth as managed code attains it: one large buffer copied into another, split evenly
/// over the threads, bytes read plus bytes written over the wall time, the median of several copies. The
/// buffers are far larger than any cache (256 MB each by default), so this is DRAM, not cache, bandwidth.
/// </summary>
public static class MemoryBandwidth
{
    public const int DefaultBytes = 256 << 20;

    /// <returns>Bytes per second (read + written), and the median seconds of one copy.</returns>
    public static (double BytesPerSecond, double Seconds) Measure(int bytes, int threads, int runs, int warmup)
    {
        threads = Math.Max(1, threads);
        var src = GC.AllocateUninitializedArray<byte>(bytes);
        var dst = GC.AllocateUninitializedArray<byte>(bytes);
        // Touch every page first, so the first timed copy does not count page faults.
        for (var i = 0; i < bytes; i += 4096) { src[i] = (byte)i; dst[i] = 0; }
        var chunk = (bytes / threads + 63) & ~63;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        double Copy()
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, options, t =>
            {
                var start = t * chunk;
                var length = Math.Min(chunk, bytes - start);
                if (length > 0) src.AsSpan(start, length).CopyTo(dst.AsSpan(start, length));
            });
            return clock.Elapsed.TotalSeconds;
        }
        for (var i = 0; i < Math.Max(1, warmup); i++) Copy();
        var times = Enumerable.Range(0, Math.Max(1, runs)).Select(_ => Copy()).ToArray();
        var median = Statistics.Median(times);
        return (2.0 * bytes / median, median);
    }
}
