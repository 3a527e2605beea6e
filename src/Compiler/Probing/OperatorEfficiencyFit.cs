namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// Compute efficiency per op type from single-op timings: for each op, its probes' FLOPs over the time
/// the roofline must explain once the per-node overhead is taken off, as a fraction of the peak —
/// ηop = ΣF / (P · Σ(t − overhead)). With that ηop, RooflineTime's compute term of a probe is its measured
/// time less the overhead, so the profile reproduces the probes it was measured with (where compute, not
/// bytes, bounds them). Ops without FLOPs (pure data movement) get no entry.
/// </summary>
public static class OperatorEfficiencyFit
{
    /// <summary>Smallest efficiency stored; below it a figure is noise (or the op is timed by bytes anyway).</summary>
    public const double Floor = 1e-4;

    public static IReadOnlyDictionary<string, double> Fit(IEnumerable<(string OpType, double Flops, double Seconds)> probes, double peak, double overhead)
    {
        var map = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var g in probes.Where(p => p.Flops > 0 && p.Seconds > 0).GroupBy(p => p.OpType, StringComparer.Ordinal))
        {
            var flops = g.Sum(p => p.Flops);
            // The overhead never takes more than half a probe's time: a probe is chosen to be dominated by work.
            var seconds = g.Sum(p => Math.Max(p.Seconds - overhead, p.Seconds / 2));
            map[g.Key] = Round(Math.Clamp(flops / (peak * seconds), Floor, 1.0));
        }
        return map;
    }

    /// <summary>Three significant digits: the timings are not more precise than that.</summary>
    public static double Round(double x) => Significant(x, 3);

    /// <summary><paramref name="x"/> to <paramref name="digits"/> significant digits (123456 → 123000 for 3).</summary>
    public static double Significant(double x, int digits)
    {
        if (x == 0 || !double.IsFinite(x)) return x;
        var e = (int)Math.Floor(Math.Log10(Math.Abs(x))) - (digits - 1);
        // Only whole powers of ten (exact in a double up to 1e22) are used, so 0.0123 comes out as the double nearest 0.0123.
        if (e >= 0)
        {
            var p = Math.Pow(10, e);
            return Math.Round(x / p) * p;
        }
        var q = Math.Pow(10, -e);
        return Math.Round(x * q) / q;
    }
}
