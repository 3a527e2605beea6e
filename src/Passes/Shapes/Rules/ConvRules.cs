using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Conv: Y[N, M, out…] with M = W.shape[0], and X's channels = W.shape[1]·group.
/// ConvTranspose: Y[N, W.shape[1]·group, out…] with
///   out = stride·(in − 1) + output_padding + dilation·(k − 1) + 1 − pad_begin − pad_end, or output_shape.
/// Kernel size comes from kernel_shape or from W's trailing dims.
/// </summary>
internal static class ConvRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["Conv"] = Conv;
        table["ConvTranspose"] = ConvTranspose;
    }

    private static void Conv(ShapeContext c)
    {
        var x = c.Dims(0);
        var w = c.Dims(1);
        if (x.Length < 3 || w.Length != x.Length) throw c.Fail($"X has rank {x.Length} and W rank {w.Length}; expected equal ranks of at least 3");
        var group = Group(c);
        if (x[1] >= 0 && w[1] >= 0 && x[1] != checked(w[1] * group))
        {
            throw c.Fail($"X has {x[1]} channels but W expects {w[1]}×{group} (group {group})");
        }
        if (w[0] >= 0 && w[0] % group != 0) throw c.Fail($"{w[0]} output channels are not divisible by group {group}");
        if (c.HasInput(2) && c.Dims(2) is [var b] && b >= 0 && w[0] >= 0 && b != w[0])
        {
            throw c.Fail($"bias has {b} elements but the conv has {w[0]} output channels");
        }
        var kernel = Kernel(c, w[2..]);
        var spatial = SpatialWindow.OutputSpatial(c, x[2..], kernel);
        c.SetOutput(0, c.ElemType(0), [x[0], w[0], .. spatial]);
    }

    private static void ConvTranspose(ShapeContext c)
    {
        var x = c.Dims(0);
        var w = c.Dims(1);
        if (x.Length < 3 || w.Length != x.Length) throw c.Fail($"X has rank {x.Length} and W rank {w.Length}; expected equal ranks of at least 3");
        var group = Group(c);
        if (x[1] >= 0 && w[0] >= 0 && x[1] != w[0]) throw c.Fail($"X has {x[1]} channels but W expects {w[0]}");
        var n = x.Length - 2;
        var kernel = Kernel(c, w[2..]);
        var strides = c.Proto.GetInts("strides") ?? SpatialWindow.Ones(n);
        var dilations = c.Proto.GetInts("dilations") ?? SpatialWindow.Ones(n);
        var outputPadding = c.Proto.GetInts("output_padding") ?? new long[n];
        var pads = c.Proto.GetInts("pads") ?? new long[2 * n];
        var autoPad = c.Proto.GetString("auto_pad", "NOTSET");
        if (strides.Length != n || dilations.Length != n || pads.Length != 2 * n || kernel.Length != n || outputPadding.Length != n)
        {
            throw c.Fail($"strides, dilations, pads, output_padding or kernel do not match {n} spatial dimensions");
        }
        // A kernel taken from W's dims may be unknown (-1): that output size is unknown too.
        SpatialWindow.CheckWindow(c, strides, dilations, pads, kernel.Where(k => k != -1).ToArray());
        if (outputPadding.Any(v => v < 0)) throw c.Fail($"output_padding {Folding.Text(outputPadding)} must not be negative");
        var spatial = new long[n];
        var outputShape = c.Proto.GetInts("output_shape");
        if (outputShape is not null && (outputShape.Length < n || outputShape.Any(v => v <= 0)))
        {
            throw c.Fail($"output_shape {Folding.Text(outputShape)} must give {n} positive spatial sizes");
        }
        for (var i = 0; i < n; i++)
        {
            if (outputShape is not null)
            {
                spatial[i] = outputShape[outputShape.Length - n + i];
                continue;
            }
            // An unknown input size stays unknown rather than turning into a negative size.
            if (x[i + 2] < 0 || kernel[i] < 0) { spatial[i] = -1; continue; }
            var full = checked(strides[i] * (x[i + 2] - 1) + outputPadding[i] + dilations[i] * (kernel[i] - 1) + 1);
            spatial[i] = autoPad is "SAME_UPPER" or "SAME_LOWER" ? checked(x[i + 2] * strides[i]) : checked(full - pads[i] - pads[i + n]);
            if (spatial[i] <= 0) throw c.Fail($"spatial dimension {i} of size {x[i + 2]} gives an output of {spatial[i]}: the pads remove more than the window covers");
        }
        c.SetOutput(0, c.ElemType(0), [x[0], w[1] < 0 ? -1 : checked(w[1] * group), .. spatial]);
    }

    private static long Group(ShapeContext c)
    {
        var group = c.Proto.GetInt("group", 1);
        return group > 0 ? group : throw c.Fail($"group {group} must be positive");
    }

    /// <summary>
    /// The kernel: kernel_shape when given (each size at least 1 and, where W's dims are known, equal to them,
    /// as ONNX Runtime requires), else W's spatial dims (-1 where unknown).
    /// </summary>
    private static long[] Kernel(ShapeContext c, long[] fromWeight)
    {
        if (c.Proto.GetInts("kernel_shape") is not { } given) return fromWeight;
        if (given.Any(k => k <= 0)) throw c.Fail($"kernel_shape {Folding.Text(given)} must be positive");
        if (given.Length == fromWeight.Length && given.Where((k, i) => fromWeight[i] >= 0 && k != fromWeight[i]).Any())
        {
            throw c.Fail($"kernel_shape {Folding.Text(given)} differs from W's spatial dims {Folding.Text(fromWeight)}");
        }
        return given;
    }
}
