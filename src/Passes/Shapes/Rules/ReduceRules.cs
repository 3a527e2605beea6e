using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Reduce*: X with each reduced axis set to 1 (keepdims=1, the default) or removed (keepdims=0).
///   No axes means every axis, unless noop_with_empty_axes=1, when the output is X's shape unchanged.
///   axes is an attribute before ReduceSum-13 / the other reductions' 18, an optional input from then on
///   (noop_with_empty_axes exists only with the input form).
/// ArgMax, ArgMin: the same along the single `axis` (default 0), with int64 output.
/// </summary>
internal static class ReduceRules
{
    private static readonly string[] Reductions =
    {
        "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
        "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
    };

    public static void Register(Dictionary<string, ShapeRule> table)
    {
        foreach (var op in Reductions) table[op] = Reduce;
        table["ArgMax"] = Arg;
        table["ArgMin"] = Arg;
    }

    private static void Reduce(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        var keep = c.Proto.GetInt("keepdims", 1) != 0;
        var inputSince = c.OpType() == "ReduceSum" ? 13 : 18;
        if (!Folding.TryInts(c, "axes", 1, inputSince, out var axes))
        {
            // Axes unknown: with keepdims the rank survives; without, it shrinks by the axes' count.
            var rank = keep ? dims.Length : c.Dims(1) is [var k] && k >= 0 ? dims.Length - k : (long?)null;
            c.SetOutput(0, x.ElemType, rank is { } r ? c.UnknownShape(r) : null);
            return;
        }
        if (axes is null or { Length: 0 })
        {
            var noop = c.Opset >= inputSince && c.Proto.GetInt("noop_with_empty_axes", 0) != 0;
            if (noop)
            {
                c.SetOutput(0, x);
                return;
            }
            axes = Enumerable.Range(0, dims.Length).Select(i => (long)i).ToArray();
        }
        c.SetOutput(0, x.ElemType, Reduced(dims, Folding.Axes(c, axes, Math.Max(dims.Length, 1)), keep));
    }

    private static void Arg(ShapeContext c)
    {
        var dims = c.Dims(0);
        var axis = c.Axis(c.Proto.GetInt("axis", 0), dims.Length);
        c.SetOutput(0, ElementType.Int64, Reduced(dims, [axis], c.Proto.GetInt("keepdims", 1) != 0));
    }

    private static long[] Reduced(long[] dims, int[] axes, bool keep) => keep
        ? dims.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray()
        : dims.Where((_, i) => !axes.Contains(i)).ToArray();
}
