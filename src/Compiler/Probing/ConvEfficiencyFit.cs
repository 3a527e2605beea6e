using OnnxCoDesign.Compiler.Devices;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>One conv timed by the probe: its curve class, output pixels, FLOPs and seconds (launch overhead included).</summary>
public readonly record struct ConvTiming(string Class, long OutputPixels, double Flops, double Seconds);

/// <summary>
/// The shape-aware conv efficiency from the grid's per-conv timings (<see cref="ConvShapeGrid"/>, and the profiled
/// strided and thin convs of <see cref="ProfiledConvShape"/>): per class and output size, the attained rate
/// R = ΣF / Σ(t − overhead) over the shapes of that cell (channel counts pooled, so the curve is over output pixels
/// only), and η = R / P with P the fp32 peak. The overhead comes off as in <see cref="OperatorEfficiencyFit"/>, never
/// more than half a time. A cell's η is clamped to [<see cref="OperatorEfficiencyFit.Floor"/>, 1] and kept to three
/// significant digits.
/// </summary>
public static class ConvEfficiencyFit
{
    /// <summary>Per (class, output pixels), the attained FLOP rate of the cell's convs.</summary>
    public static IReadOnlyList<(string Class, long OutputPixels, double Rate)> Rates(IEnumerable<(ConvShape Shape, double Seconds)> convs, double overhead) =>
        Rates(convs.Select(c => new ConvTiming(c.Shape.KernelClass, c.Shape.OutputPixels, c.Shape.Flops, c.Seconds)), overhead);

    public static IReadOnlyList<(string Class, long OutputPixels, double Rate)> Rates(IEnumerable<ConvTiming> convs, double overhead) =>
        convs.Where(c => c.Seconds > 0)
            .GroupBy(c => (c.Class, c.OutputPixels))
            .Select(g => (g.Key.Class, g.Key.OutputPixels, g.Sum(c => c.Flops) / g.Sum(c => Math.Max(c.Seconds - overhead, c.Seconds / 2))))
            .OrderBy(x => x.Class, StringComparer.Ordinal).ThenBy(x => x.OutputPixels)
            .ToList();

    public static ConvEfficiencyCurve Fit(IEnumerable<(ConvShape Shape, double Seconds)> convs, double peak, double overhead) =>
        Fit(convs.Select(c => new ConvTiming(c.Shape.KernelClass, c.Shape.OutputPixels, c.Shape.Flops, c.Seconds)), peak, overhead);

    public static ConvEfficiencyCurve Fit(IEnumerable<ConvTiming> convs, double peak, double overhead)
    {
        var points = Rates(convs, overhead)
            .GroupBy(r => r.Class, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<ConvEfficiencyPoint>)g.Select(r => new ConvEfficiencyPoint(r.OutputPixels, OperatorEfficiencyFit.Round(Math.Clamp(r.Rate / peak, OperatorEfficiencyFit.Floor, 1.0)))).ToList(),
                StringComparer.Ordinal);
        return points.Count == 0 ? ConvEfficiencyCurve.None : new ConvEfficiencyCurve(points);
    }
}
