namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>The few statistics measurement needs: median, the timing statistic, ranks, Spearman's ρ and the mean absolute percentage error.</summary>
public static class Statistics
{
    /// <summary>The fraction of runs <see cref="TypicalSeconds"/> drops at each end.</summary>
    public const double TimingTrim = 0.2;

    /// <summary>
    /// The time measure and probe report for a series of runs: the mean of the middle runs, ⌊n·<see cref="TimingTrim"/>⌋
    /// dropped at each end (the middle 6 of 10). Like the median it ignores a run another process preempted; unlike it,
    /// it averages over a host whose speed moves between a few levels (a virtual machine's neighbours: one ResNet-50
    /// sweep here ran its parts at 0.85, 1.0 and 1.2–1.4 of their medians in turn), where the median of ten runs jumps
    /// from one level to the next from one model to another, so two series sampled from the same mix (the parts, and
    /// the probe timed among them) agree.
    /// </summary>
    public static double TypicalSeconds(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("the typical time of no runs is undefined", nameof(values));
        var sorted = values.Order().ToArray();
        var k = (int)Math.Floor(sorted.Length * TimingTrim);
        return sorted[k..^k].Average();
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("the median of no values is undefined", nameof(values));
        var sorted = values.Order().ToArray();
        var m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /// <summary>1-based ranks; tied values share the average of the ranks they span (10, 20, 20, 30 → 1, 2.5, 2.5, 4).</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            var average = (i + j) / 2.0 + 1; // ranks i+1 … j+1
            for (var t = i; t <= j; t++) ranks[order[t]] = average;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>
    /// Spearman's rank correlation: the Pearson correlation of the average ranks (exact with ties, unlike the
    /// 1 − 6Σd²/(n(n²−1)) shortcut). NaN with fewer than two values or when either side is constant.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("both series need the same length");
        return x.Count < 2 ? double.NaN : Pearson(Ranks(x), Ranks(y));
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("both series need the same length");
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>Mean of |predicted − measured| / measured, in percent; the measurement is the reference.</summary>
    public static double MeanAbsolutePercentageError(IReadOnlyList<double> predicted, IReadOnlyList<double> measured)
    {
        if (predicted.Count != measured.Count) throw new ArgumentException("both series need the same length");
        if (predicted.Count == 0) return double.NaN;
        if (measured.Any(m => m <= 0)) throw new ArgumentException("measured values must be positive", nameof(measured));
        return predicted.Zip(measured, (p, m) => Math.Abs(p - m) / m).Average() * 100;
    }
}
