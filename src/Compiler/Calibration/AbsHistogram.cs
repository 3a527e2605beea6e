namespace OnnxCoDesign.Compiler.Calibration;

/// <summary>
/// A histogram of |x| over [0, max] in <see cref="Bins"/> equal bins (2048, TensorRT's count), with max fixed
/// in advance (the first calibration pass). A value at max falls in the last bin.
/// </summary>
public sealed class AbsHistogram(double max)
{
    public const int Bins = 2048;

    public double Max { get; } = max;

    public double BinWidth => Max / Bins;

    public long[] Counts { get; } = new long[Bins];

    public long Total { get; private set; }

    public void Add(ReadOnlySpan<float> values)
    {
        if (Max <= 0)
        {
            Counts[0] += values.Length;
            Total += values.Length;
            return;
        }
        var perUnit = Bins / Max;
        foreach (var v in values)
        {
            var bin = (int)Math.Min(Math.Abs((double)v) * perUnit, Bins - 1);
            Counts[bin]++;
        }
        Total += values.Length;
    }

    /// <summary>
    /// The upper edge of the first bin at which the cumulative count reaches <paramref name="percentile"/>% of
    /// all values: the percentile of |x| to within one bin, never above <see cref="Max"/>.
    /// </summary>
    public double Percentile(double percentile)
    {
        if (Total == 0 || Max <= 0) return 0;
        var target = percentile / 100.0 * Total;
        long cumulative = 0;
        for (var i = 0; i < Bins; i++)
        {
            cumulative += Counts[i];
            if (cumulative >= target) return Math.Min((i + 1) * BinWidth, Max);
        }
        return Max;
    }
}
