using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Gather: data[:axis] + indices.shape + data[axis+1:]; negative indices count from the end of the axis.
/// Slice (per axis a): s, e += dim when negative; step &gt; 0 clamps s, e to [0, dim], step &lt; 0 clamps s to
///   [0, dim−1] and e to [−1, dim−1] (so INT64_MAX / INT64_MIN mean "to the end"); len = max(0, ceil((e − s)/step)).
///   starts/ends/axes are attributes before 10; starts, ends, axes, steps are inputs from 10.
/// Known data folds through both, which is how exporters' Shape → Gather / Slice chains become constants.
/// </summary>
internal static class IndexingRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["Gather"] = Gather;
        table["Slice"] = Slice;
    }

    private static void Gather(ShapeContext c)
    {
        var data = c.Input(0);
        var dims = data.Dims ?? throw c.Fail("the rank of data is unknown");
        if (dims.Length == 0) throw c.Fail("data must have rank at least 1");
        var indexDims = c.Dims(1);
        var axis = c.Axis(c.Proto.GetInt("axis", 0), dims.Length);
        long[] result = [.. dims[..axis], .. indexDims, .. dims[(axis + 1)..]];
        ConstValue? value = null;
        if (c.ConstInts(1) is { } indices)
        {
            var size = dims[axis];
            // Normalise negative indices once; out-of-range indices are an error ONNX Runtime also raises.
            if (size >= 0)
            {
                indices = indices.Select(i => i < 0 ? i + size : i).ToArray();
                if (indices.Any(i => i < 0 || i >= size)) throw c.Fail($"an index is out of range for axis {axis} of size {size}");
            }
            if (c.Const(0) is { } v && Folding.Known(dims))
            {
                var strides = Folding.Strides(dims);
                var q = indexDims.Length;
                value = Folding.Pick(v, result, k =>
                {
                    var coords = Folding.Coords(k, result);
                    var flatIndex = 0L;
                    for (var j = 0; j < q; j++) flatIndex = flatIndex * indexDims[j] + coords[axis + j];
                    var src = indices[flatIndex] * strides[axis];
                    for (var i = 0; i < axis; i++) src += coords[i] * strides[i];
                    for (var i = axis + 1; i < dims.Length; i++) src += coords[i + q - 1] * strides[i];
                    return src;
                });
            }
        }
        c.SetOutput(0, data.ElemType, result, value);
    }

    private static void Slice(ShapeContext c)
    {
        var data = c.Input(0);
        var dims = data.Dims ?? throw c.Fail("the rank of data is unknown");
        long[]? starts, ends, axes, steps;
        if (c.Opset < 10)
        {
            starts = c.Proto.GetInts("starts") ?? throw c.Fail("starts is required");
            ends = c.Proto.GetInts("ends") ?? throw c.Fail("ends is required");
            axes = c.Proto.GetInts("axes");
            steps = null;
        }
        else
        {
            starts = c.ConstInts(1);
            ends = c.ConstInts(2);
            axes = c.HasInput(3) ? c.ConstInts(3) : null;
            steps = c.HasInput(4) ? c.ConstInts(4) : null;
            var unknown = starts is null || ends is null || (c.HasInput(3) && axes is null) || (c.HasInput(4) && steps is null);
            if (unknown)
            {
                // Values unknown: the sliced axes (when known) become unknown, the others keep their size.
                var count = starts?.Length ?? (c.Dims(1) is [var n] ? (n <= dims.Length ? (int)n : throw c.Fail($"{n} starts for rank {dims.Length}")) : -1);
                var sliced = axes ?? (c.HasInput(3) || count < 0 ? null : Enumerable.Range(0, count).Select(i => (long)i).ToArray());
                var result = sliced is null ? Folding.Unknown(dims.Length) : (long[])dims.Clone();
                if (sliced is not null) foreach (var a in Folding.Axes(c, sliced, dims.Length)) result[a] = -1;
                c.SetOutput(0, data.ElemType, result);
                return;
            }
        }
        axes ??= Enumerable.Range(0, starts!.Length).Select(i => (long)i).ToArray();
        steps ??= SpatialWindow.Ones(starts!.Length);
        if (ends!.Length != starts!.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            throw c.Fail("starts, ends, axes and steps must have the same length");
        }
        var normalized = Folding.Axes(c, axes, dims.Length);
        var output = (long[])dims.Clone();
        var first = new long[dims.Length];
        var stride = SpatialWindow.Ones(dims.Length);
        for (var i = 0; i < normalized.Length; i++)
        {
            var a = normalized[i];
            if (steps[i] == 0) throw c.Fail("steps must not be zero");
            stride[a] = steps[i];
            if (dims[a] < 0) { output[a] = -1; continue; }
            (first[a], output[a]) = Range(starts[i], ends[i], steps[i], dims[a]);
        }
        ConstValue? value = null;
        if (c.Const(0) is { } v && Folding.Known(dims))
        {
            var strides = Folding.Strides(dims);
            value = Folding.Pick(v, output, k =>
                Folding.Coords(k, output).Select((coord, i) => (first[i] + coord * stride[i]) * strides[i]).Sum());
        }
        c.SetOutput(0, data.ElemType, output, value);
    }

    /// <summary>First index and length of one sliced axis, per the clamping rules above.</summary>
    private static (long First, long Length) Range(long start, long end, long step, long dim)
    {
        if (dim == 0) return (0, 0);
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        // Lengths as 1 + (span − 1) / |step|, written so that no step, INT64_MIN included, overflows.
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
            return (start, end - start <= 0 ? 0 : 1 + (end - start - 1) / step);
        }
        start = Math.Clamp(start, 0, dim - 1);
        end = Math.Clamp(end, -1, dim - 1);
        return (start, start - end <= 0 ? 0 : 1 - (start - end - 1) / step);
    }
}
