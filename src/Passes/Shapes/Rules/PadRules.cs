using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Pad: out[a] = in[a] + pad_begin[a] + pad_end[a] (pads may be negative, cropping), with pads laid out as
/// [begin_0 … begin_k−1, end_0 … end_k−1] over the padded axes.
/// Versions: Pad-2 takes pads and value as attributes; from 11 pads and constant_value are inputs; from 18 an
/// optional axes input names the padded axes (default: all, in order). Mode (constant, reflect, edge, wrap)
/// does not change the shape. Pads that are not known at compile time leave the padded dims unknown.
/// </summary>
internal static class PadRules
{
    public static void Register(Dictionary<string, ShapeRule> table) => table["Pad"] = Pad;

    private static void Pad(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        if (c.Opset < 2) throw c.Unsupported($"Pad-1 (paddings attribute) is not handled; the model imports opset {c.Opset}");
        var mode = c.Proto.GetString("mode", "constant");
        if (mode is not ("constant" or "reflect" or "edge" or "wrap")) throw c.Unsupported($"mode '{mode}' is not an ONNX value");

        long[]? pads;
        int[]? axes;
        if (c.Opset < 11)
        {
            pads = c.Proto.GetInts("pads") ?? throw c.Fail("pads is required");
            axes = Enumerable.Range(0, dims.Length).ToArray();
        }
        else
        {
            pads = c.ConstInts(1);
            var axesGiven = c.Opset >= 18 && c.HasInput(3);
            var axesValues = axesGiven ? c.ConstInts(3) : null;
            axes = !axesGiven ? Enumerable.Range(0, dims.Length).ToArray()
                : axesValues is null ? null
                : Folding.Axes(c, axesValues, dims.Length);
        }

        var output = (long[])dims.Clone();
        if (pads is null || axes is null)
        {
            // Which axes grow, or by how much, is unknown: those dims (all, when axes are unknown) become unknown.
            foreach (var a in axes ?? Enumerable.Range(0, dims.Length)) output[a] = -1;
            c.SetOutput(0, x.ElemType, output);
            return;
        }
        if (pads.Length != 2 * axes.Length) throw c.Fail($"pads has {pads.Length} values for {axes.Length} padded axes");
        for (var i = 0; i < axes.Length; i++)
        {
            var a = axes[i];
            if (dims[a] < 0) continue;
            output[a] = checked(dims[a] + pads[i] + pads[i + axes.Length]);
            if (output[a] < 0) throw c.Fail($"pads {Folding.Text(pads)} crop axis {a} of size {dims[a]} below zero");
        }
        c.SetOutput(0, x.ElemType, output);
    }
}
