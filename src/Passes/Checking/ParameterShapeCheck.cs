using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// Shapes of the parameters whose shape the schema fixes, where the model states them (<see cref="StaticTypes"/>):
///   Conv B is 1-D of length M = W.shape[0]; ConvTranspose B is 1-D of length W.shape[1]·group;
///   BatchNormalization scale, B, mean and var are 1-D of one length C (X.shape[1] when X is declared);
///   Gemm C broadcasts unidirectionally to Y[M, N]: rank ≤ 2, each dim 1 or Y's.
/// A bias of shape [] or [M, 1] would otherwise be folded, fused and emitted into a model ONNX Runtime refuses.
/// </summary>
internal static class ParameterShapeCheck
{
    public static void Check(NodeSite site, long opset, IReadOnlyDictionary<string, StaticType> known)
    {
        switch (site.Node.OpType)
        {
            case "Conv": ConvBias(site, known, transposed: false); break;
            case "ConvTranspose": ConvBias(site, known, transposed: true); break;
            case "BatchNormalization": BatchNormParameters(site, opset, known); break;
            case "Gemm": GemmC(site, known); break;
        }
    }

    private static long[]? Dims(NodeSite site, int slot, IReadOnlyDictionary<string, StaticType> known) =>
        slot < site.Node.Input.Count && site.Node.Input[slot] is { Length: > 0 } name && known.TryGetValue(name, out var t) ? t.Dims : null;

    private static void ConvBias(NodeSite site, IReadOnlyDictionary<string, StaticType> known, bool transposed)
    {
        if (Dims(site, 2, known) is not { } b) return;
        var w = Dims(site, 1, known);
        var group = site.Node.GetInt("group", 1);
        long channels = w is null || w.Length < 2 ? -1 : !transposed ? w[0] : OutputChannels(w[1], group);
        var what = channels >= 0 ? $"of length {channels}, the {(transposed ? "output channels W.shape[1]·group" : "output channels W.shape[0]")}" : "";
        if (b.Length != 1 || (channels >= 0 && b[0] >= 0 && b[0] != channels))
        {
            throw site.Fail(ErrorCodes.ParameterShape, $"bias '{site.Node.Input[2]}' has shape {Text(b)}; it must be 1-D {what}".TrimEnd());
        }
    }

    /// <summary>W.shape[1]·group, or −1 when unknown or past a long (a damaged group is reported elsewhere).</summary>
    private static long OutputChannels(long perGroup, long group)
    {
        if (perGroup < 0 || group < 1) return -1;
        return perGroup > long.MaxValue / group ? -1 : perGroup * group;
    }

    private static void BatchNormParameters(NodeSite site, long opset, IReadOnlyDictionary<string, StaticType> known)
    {
        // Before opset 9, spatial other than 1 normalises per activation and takes parameters of shape [C, D…]
        // (shape inference checks those).
        if (opset < 9 && site.Node.GetInt("spatial", 1) != 1) return;
        var x = Dims(site, 0, known);
        long channels = x is { Length: >= 2 } && x[1] >= 0 ? x[1] : -1;
        var source = channels >= 0 ? $"X '{site.Node.Input[0]}' has {channels} channels" : null;
        string[] names = ["scale", "B", "mean", "var"];
        for (var i = 1; i <= 4; i++)
        {
            if (Dims(site, i, known) is not { } p) continue;
            if (p.Length != 1)
            {
                throw site.Fail(ErrorCodes.ParameterShape, $"{names[i - 1]} '{site.Node.Input[i]}' has shape {Text(p)}; it must be 1-D, one value per channel");
            }
            if (p[0] < 0) continue;
            if (channels >= 0 && p[0] != channels)
            {
                throw site.Fail(ErrorCodes.ParameterShape, $"{names[i - 1]} '{site.Node.Input[i]}' has {p[0]} values but {source}");
            }
            if (channels >= 0) continue;
            channels = p[0];
            source = $"{names[i - 1]} '{site.Node.Input[i]}' has {p[0]}";
        }
    }

    private static void GemmC(NodeSite site, IReadOnlyDictionary<string, StaticType> known)
    {
        if (Dims(site, 2, known) is not { } c) return;
        var a = Dims(site, 0, known);
        var b = Dims(site, 1, known);
        var m = a is { Length: 2 } ? a[site.Node.GetInt("transA", 0) != 0 ? 1 : 0] : -1;
        var n = b is { Length: 2 } ? b[site.Node.GetInt("transB", 0) != 0 ? 0 : 1] : -1;
        long[] y = [m, n];
        var fits = c.Length <= 2 && c.Select((d, i) => (d, target: y[2 - c.Length + i])).All(p => p.d is 1 or < 0 || p.target < 0 || p.d == p.target);
        if (!fits)
        {
            throw site.Fail(ErrorCodes.ParameterShape,
                $"C '{site.Node.Input[2]}' has shape {Text(c)}, which does not broadcast to Y [{(m < 0 ? "M" : m)},{(n < 0 ? "N" : n)}]");
        }
    }

    private static string Text(long[] dims) => "[" + string.Join(",", dims.Select(d => d < 0 ? "?" : d.ToString())) + "]";
}
