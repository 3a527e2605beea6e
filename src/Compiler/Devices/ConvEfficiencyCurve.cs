using OnnxCoDesign.Passes.Cost;

namespace OnnxCoDesign.Compiler.Devices;

/// <summary>One point of a conv efficiency curve: at this many output pixels (GEMM M), this fraction of the peak.</summary>
public readonly record struct ConvEfficiencyPoint(long OutputPixels, double Efficiency);

/// <summary>
/// A conv's compute efficiency by its shape (a profile's optional <c>convEfficiency</c>): per kernel class — 1×1
/// (<see cref="Pointwise"/>) or larger (<see cref="Spatial"/>) — points of ηc against output pixels (batch · H · W,
/// the GEMM's M), read piecewise-linearly in log(output pixels) and held flat beyond the first and last point:
/// η(M) = η_i + (η_{i+1} − η_i) · (ln M − ln M_i) / (ln M_{i+1} − ln M_i) for M_i ≤ M ≤ M_{i+1}.
/// Only plain convs (groups 1, shapes known) use it; grouped and depthwise convs and a class without points keep
/// the op type's efficiency. Compares by value, so a profile read back from JSON equals the one written.
/// </summary>
public sealed class ConvEfficiencyCurve : IEquatable<ConvEfficiencyCurve>
{
    public const string Pointwise = "1x1";

    public const string Spatial = "kxk";

    public static readonly IReadOnlyList<string> Classes = [Pointwise, Spatial];

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

    /// <summary>ηc of a conv of this shape; null where the curve does not say (a grouped conv, a class without points).</summary>
    public double? At(ConvGeometry g)
    {
        if (g.Groups != 1 || g.OutputPixels <= 0 || !_points.TryGetValue(ClassOf(g.KernelArea), out var p)) return null;
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
