using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Resize and Upsample keep X's rank and element type.
///   with scales: out[d] = floor(float(in[d]) · scale[d])   (single precision, as ONNX and ONNX Runtime compute it)
///   with sizes:  out[d] = sizes[d]; with keep_aspect_ratio_policy not_larger / not_smaller (18+) one scale
///                s = min / max over the axes of sizes[i] / in[i], and out[d] = round(s · in[d]).
/// Inputs by version: Resize-10 (X, scales); Resize-11/12 (X, roi, scales, sizes), where an empty scales
/// stands for "use sizes"; 13+ roi and scales may be omitted; 18+ `axes` lists the axes that scales/sizes cover.
/// Upsample: scales attribute in opset 7–8, input from 9 (deprecated in 10).
/// Scales or sizes that are not known at compile time leave the affected dims unknown (−1), never guessed.
/// </summary>
internal static class ResizeRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["Resize"] = Resize;
        table["Upsample"] = Upsample;
    }

    private static void Resize(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        var scalesInput = c.Opset < 11 ? 1 : 2;
        var scalesGiven = c.HasInput(scalesInput);
        var sizesGiven = c.Opset >= 11 && c.HasInput(3);
        var scales = c.Const(scalesInput);
        var sizes = sizesGiven ? c.ConstInts(3) : null;
        // An empty constant counts as absent: Resize-11 exports pass an empty scales next to sizes.
        if (scales is { Count: 0 }) { scalesGiven = false; scales = null; }
        if (sizes is { Length: 0 }) { sizesGiven = false; sizes = null; }
        if (scalesGiven == sizesGiven) throw c.Fail("exactly one of scales and sizes must be given");

        var axes = c.Opset >= 18 && c.Proto.GetInts("axes") is { } a ? Folding.Axes(c, a, dims.Length) : Enumerable.Range(0, dims.Length).ToArray();
        var policy = c.Opset >= 18 ? c.Proto.GetString("keep_aspect_ratio_policy", "stretch") : "stretch";
        if (policy is not ("stretch" or "not_larger" or "not_smaller")) throw c.Unsupported($"keep_aspect_ratio_policy '{policy}' is not an ONNX value");
        if (scalesGiven && policy != "stretch") throw c.Fail($"keep_aspect_ratio_policy '{policy}' needs sizes, not scales");

        var output = (long[])dims.Clone();
        var count = scalesGiven ? scales?.Count : sizes?.Length;
        if (count is null)
        {
            foreach (var d in axes) output[d] = -1;
        }
        else if (count != axes.Length)
        {
            throw c.Fail($"{(scalesGiven ? "scales" : "sizes")} has {count} values for {axes.Length} axes");
        }
        else if (scalesGiven)
        {
            for (var i = 0; i < axes.Length; i++) output[axes[i]] = Scale(c, dims[axes[i]], (float)scales!.Real(i));
        }
        else
        {
            if (sizes!.Any(s => s < 0)) throw c.Fail($"sizes {Folding.Text(sizes!)} has a negative size");
            KeepAspectRatio(policy, dims, axes, sizes!, output);
        }
        c.SetOutput(0, x.ElemType, output);
    }

    private static void KeepAspectRatio(string policy, long[] dims, int[] axes, long[] sizes, long[] output)
    {
        if (policy == "stretch")
        {
            for (var i = 0; i < axes.Length; i++) output[axes[i]] = sizes[i];
            return;
        }
        if (axes.Any(d => dims[d] < 0))
        {
            foreach (var d in axes) output[d] = -1;
            return;
        }
        var ratios = axes.Select((d, i) => sizes[i] / (float)dims[d]);
        var scale = policy == "not_larger" ? ratios.Min() : ratios.Max();
        foreach (var d in axes) output[d] = checked((long)MathF.Round(scale * dims[d], MidpointRounding.AwayFromZero));
    }

    private static void Upsample(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        if (c.Opset < 7) throw c.Unsupported($"Upsample-1 (height_scale/width_scale) is not handled; the model imports opset {c.Opset}");
        double[]? scales = c.Opset < 9
            ? c.Proto.GetFloats("scales")?.Select(f => (double)f).ToArray() ?? throw c.Fail("scales is required")
            : c.Const(1)?.AsReals().ToArray();
        if (scales is not null && scales.Length != dims.Length) throw c.Fail($"scales has {scales.Length} values for rank {dims.Length}");
        var output = scales is null ? Folding.Unknown(dims.Length) : dims.Select((d, i) => Scale(c, d, (float)scales[i])).ToArray();
        c.SetOutput(0, x.ElemType, output);
    }

    /// <summary>floor(dim · scale); a scale that is not positive (or NaN) is refused, and the conversion to int64 is checked.</summary>
    private static long Scale(ShapeContext c, long dim, float scale)
    {
        if (!(scale > 0)) throw c.Fail($"scale {scale} must be positive");
        return dim < 0 ? -1 : checked((long)MathF.Floor(dim * scale));
    }
}
