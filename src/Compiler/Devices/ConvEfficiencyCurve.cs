using OnnxCoDesign.Passes.Cost;

namespace OnnxCoDesign.Compiler.Devices;

/// <summary>One point of a conv efficiency curve: at this many output pixels (GEMM M), this fraction of the peak.</summary>
public readonly record struct ConvEfficiencyPoint(long OutputPixels, double Efficiency);

/// <summary>
/// A conv's compute efficiency by its shape (a profile's optional <c>convEfficiency</c>): per kernel class — 1×1
/// (<see cref="Pointwise"/>) or larger (<see cref="Spatial"/>), and two kinds of conv ONNX Runtime's CPU provider runs
/// with kernels of their own: a larger kernel with a stride over 1 (<see cref="Strided"/>, the downsampling convs), a 1×1
/// kernel with a stride over 1 (<see cref="PointwiseStrided"/>, a residual block's projection shortcut),
/// and, where the device has an NCHWc block, a conv with fewer input channels than the block and a reduction
/// K = Cin·k² under <see cref="ThinReduction"/> (<see cref="Thin"/>: a 3×3 stem on an RGB image, K = 27, which reads
/// NCHW directly and is too short a reduction to keep the vector unit busy; a 7×7 stem, K = 147, runs as a k×k conv) — points of ηc against output pixels (batch · H · W,
/// the GEMM's M), read piecewise-linearly in log(output pixels) and held flat beyond the first and last point:
/// η(M) = η_i + (η_{i+1} − η_i) · (ln M − ln M_i) / (ln M_{i+1} − ln M_i) for M_i ≤ M ≤ M_{i+1}.
/// A thin or strided conv whose class has no points reads its kernel class's (1×1 or k×k) instead.
/// Only plain convs (groups 1, shapes known) use it; grouped and depthwise convs and a class without points keep
/// the op type's efficiency. Compares by value, so a profile read back from JSON equals the one written.
/// </summary>
public sealed class ConvEfficiencyCurve : IEquatable<ConvEfficiencyCurve>
{
    public const string Pointwise = "1x1";

    public const string Spatial = "kxk";

    public const string Strided = "kxk-strided";

    public const string PointwiseStrided = "1x1-strided";

    public const string Thin = "thin";

    /// <summary>A thin conv's reduction (Cin·k²) is below this.</summary>
    public const long ThinReduction = 64;

    public static readonly IReadOnlyList<string> Classes = [Pointwise, Spatial, Strided, PointwiseStrided, Thin];

    public static ConvEfficiencyCurve None { get; } = new(new Dictionary<string, IReadOnlyList<ConvEfficiencyPoint>>());

    private readonly SortedDictionary<string, IReadOnlyList<ConvEfficiencyPoint>> _points;

    /// <param name="points">Per class, points in ascending output pixels (distinct); the caller has checked them.</param>
    public ConvEfficiencyCurve(IReadOnlyDictionary<string, IReadOnlyList<ConvEfficiencyPoint>> points)
    {
        _points = new SortedDictionary<string, IReadOnlyList<ConvEfficiencyPoint>>(StringComparer.Ordinal);
        foreach (var (cls, list) in points)
        {
            if (!Classes.Contains(cls)) throw new ArgumentException($"unknown conv kernel class '{cls}'", nameof(points));
            if (list.Count == 0) continue;
            for (var i = 1; i < list.Count; i++)
            {
                if (list[i].OutputPixels <= list[i - 1].OutputPixels) throw new ArgumentException("points must ascend in output pixels", nameof(points));
            }
            _points[cls] = list.ToList();
        }
    }

    /// <summary>Per class, its points in ascending output pixels (classes in ordinal order).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ConvEfficiencyPoint>> Points => _points;

    public bool IsEmpty => _points.Count == 0;

    /// <summary>The class of a conv whose kernel covers <paramref name="kernelArea"/> input pixels (kh · kw).</summary>
    public static string ClassOf(long kernelArea) => kernelArea == 1 ? Pointwise : Spatial;

    /// <summary>
    /// The classes a conv reads, most specific first: <see cref="Thin"/> (fewer input channels than
    /// <paramref name="nchwcBlock"/>, output channels a multiple of it, K under <see cref="ThinReduction"/>), then <see cref="Strided"/> (a kernel over 1×1 with a stride
    /// over 1) or <see cref="PointwiseStrided"/> (a 1×1 kernel with a stride over 1), then its kernel class.
    /// </summary>
    public static IEnumerable<string> ClassesOf(ConvGeometry g, int nchwcBlock)
    {
        if (nchwcBlock > 0 && g.InChannelsPerGroup < nchwcBlock && g.OutChannels % nchwcBlock == 0 && g.Reduction < ThinReduction) yield return Thin;
        if (g.KernelArea > 1 && g.Stride > 1) yield return Strided;
        if (g.KernelArea == 1 && g.Stride > 1) yield return PointwiseStrided;
        yield return ClassOf(g.KernelArea);
    }

    /// <summary>ηc of a conv of this shape; null where the curve does not say (a grouped conv, a class without points).</summary>
    /// <param name="nchwcBlock">The device's NCHWc block (0: none, so no conv is thin).</param>
    public double? At(ConvGeometry g, int nchwcBlock = 0)
    {
        if (g.Groups != 1 || g.OutputPixels <= 0) return null;
        var cls = ClassesOf(g, nchwcBlock).FirstOrDefault(_points.ContainsKey);
        if (cls is null) return null;
        var p = _points[cls];
        if (g.OutputPixels <= p[0].OutputPixels) return p[0].Efficiency;
        if (g.OutputPixels >= p[^1].OutputPixels) return p[^1].Efficiency;
        var i = 1;
        while (p[i].OutputPixels < g.OutputPixels) i++;
        var (a, b) = (p[i - 1], p[i]);
        var t = (Math.Log(g.OutputPixels) - Math.Log(a.OutputPixels)) / (Math.Log(b.OutputPixels) - Math.Log(a.OutputPixels));
        return a.Efficiency + (b.Efficiency - a.Efficiency) * t;
    }

    public bool Equals(ConvEfficiencyCurve? other) =>
        other is not null && _points.Count == other._points.Count
        && _points.All(x => other._points.TryGetValue(x.Key, out var o) && o.SequenceEqual(x.Value));

    public override bool Equals(object? obj) => Equals(obj as ConvEfficiencyCurve);

    public override int GetHashCode() => _points.Aggregate(0, (h, x) => HashCode.Combine(h, x.Key, x.Value.Count));
}
