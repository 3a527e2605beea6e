using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Operators that rearrange a tensor without changing its values; known values are carried through.
/// Reshape: dims = shape input; 0 copies the input dim at that position (unless allowzero=1, from 14), and one −1
///   takes count(X) / product(other dims).
/// Flatten: [prod(X[:axis]), prod(X[axis:])], axis in [0, r] (negative allowed from 11).
/// Squeeze: X without the listed size-1 axes, or without every size-1 axis when none are listed;
///   axes are an attribute before 13, an optional input from 13.
/// Unsqueeze: rank r + len(axes), axes index the output, each new dim is 1; attribute before 13, input from 13.
/// Expand: numpy broadcast of X and the shape input (either side may be 1).
/// Transpose: out[i] = X[perm[i]], perm defaulting to the reversed axes.
/// </summary>
internal static class ReshapeRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["Reshape"] = Reshape;
        table["Flatten"] = Flatten;
        table["Squeeze"] = Squeeze;
        table["Unsqueeze"] = Unsqueeze;
        table["Expand"] = Expand;
        table["Transpose"] = Transpose;
    }

    private static void Reshape(ShapeContext c)
    {
        var x = c.Input(0);
        var shape = c.ConstInts(1);
        if (shape is null)
        {
            // Only the rank is known: the length of the shape vector.
            c.SetOutput(0, x.ElemType, c.Dims(1) is [var k] && k >= 0 ? c.UnknownShape(k) : null);
            return;
        }
        var allowZero = c.Opset >= 14 && c.Proto.GetInt("allowzero", 0) != 0;
        if (allowZero && shape.Contains(0) && shape.Contains(-1)) throw c.Fail("allowzero=1 forbids 0 and -1 in the same shape");
        var dims = new long[shape.Length];
        var infer = -1;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0 && !allowZero)
            {
                if (x.Dims is null || i >= x.Dims.Length) throw c.Fail($"shape {Folding.Text(shape)} copies dim {i}, which X of rank {x.Rank} lacks");
                dims[i] = x.Dims[i];
            }
            else if (shape[i] == -1)
            {
                if (infer >= 0) throw c.Fail($"shape {Folding.Text(shape)} has more than one -1");
                infer = i;
            }
            else if (shape[i] < -1) throw c.Fail($"shape {Folding.Text(shape)} has a negative dimension");
            else dims[i] = shape[i];
        }
        var total = x.Dims is null ? -1 : Folding.Count(x.Dims);
        if (infer >= 0)
        {
            dims[infer] = 1;
            var rest = Folding.Count(dims);
            // ONNX Runtime refuses a -1 beside dimensions whose product is 0: nothing determines it.
            if (rest == 0) throw c.Fail($"shape {Folding.Text(shape)} asks for a -1 beside dimensions that multiply to 0 (X is {x.ShapeText})");
            if (total >= 0 && rest > 0 && total % rest != 0) throw c.Fail($"cannot reshape {x.ShapeText} to {Folding.Text(shape)}");
            dims[infer] = total >= 0 && rest > 0 ? total / rest : -1;
        }
        else if (total >= 0 && Folding.Count(dims) is var n && n >= 0 && n != total)
        {
            throw c.Fail($"cannot reshape {x.ShapeText} ({total} elements) to {Folding.Text(dims)} ({n} elements)");
        }
        c.SetOutput(0, x.ElemType, dims, Carry(c, dims));
    }

    private static void Flatten(ShapeContext c)
    {
        var dims = c.Dims(0);
        var axis = c.Proto.GetInt("axis", 1);
        if (axis < 0 && c.Opset < 11) throw c.Fail($"negative axis {axis} needs Flatten-11");
        if (axis < 0) axis += dims.Length;
        if (axis < 0 || axis > dims.Length) throw c.Fail($"axis {axis} is out of range for rank {dims.Length}");
        long[] result = [Folding.Count(dims[..(int)axis]), Folding.Count(dims[(int)axis..])];
        c.SetOutput(0, c.ElemType(0), result, Carry(c, result));
    }

    private static void Squeeze(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        if (!Folding.TryInts(c, "axes", 1, 13, out var axes))
        {
            // Axes unknown: only the output rank is known, from the length of the axes vector.
            c.SetOutput(0, x.ElemType, c.Dims(1) is [var k] && k >= 0 ? c.UnknownShape(dims.Length - k) : null);
            return;
        }
        int[] drop;
        if (axes is null)
        {
            // Without axes every size-1 dim goes; an unknown dim might be 1, so the rank is then unknown.
            if (!Folding.Known(dims)) { c.SetOutput(0, x.ElemType, null); return; }
            drop = Enumerable.Range(0, dims.Length).Where(i => dims[i] == 1).ToArray();
        }
        else
        {
            drop = Folding.Axes(c, axes, dims.Length);
            foreach (var a in drop.Where(a => dims[a] > 1 || dims[a] == 0)) throw c.Fail($"cannot squeeze axis {a} of size {dims[a]}");
        }
        var result = dims.Where((_, i) => !drop.Contains(i)).ToArray();
        c.SetOutput(0, x.ElemType, result, Carry(c, result));
    }

    private static void Unsqueeze(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        if (!Folding.TryInts(c, "axes", 1, 13, out var axes))
        {
            c.SetOutput(0, x.ElemType, c.Dims(1) is [var k] && k >= 0 ? c.UnknownShape(dims.Length + k) : null);
            return;
        }
        if (axes is null) throw c.Fail("axes are required");
        var rank = dims.Length + axes.Length;
        var inserted = Folding.Axes(c, axes, rank);
        var result = new long[rank];
        var next = 0;
        for (var i = 0; i < rank; i++) result[i] = inserted.Contains(i) ? 1 : dims[next++];
        c.SetOutput(0, x.ElemType, result, Carry(c, result));
    }

    private static void Expand(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        var shape = c.ConstInts(1);
        if (shape is null)
        {
            c.SetOutput(0, x.ElemType, c.Dims(1) is [var k] && k >= 0 ? c.UnknownShape(Math.Max(dims.Length, k)) : null);
            return;
        }
        var result = Broadcast.Shape([dims, shape])
            ?? throw c.Fail($"X {x.ShapeText} does not broadcast to shape {Folding.Text(shape)}");
        var value = c.Const(0) is { } v ? Folding.Pick(v, result, k => Broadcast.SourceIndex(result, v.Dims, (int)k)) : null;
        c.SetOutput(0, x.ElemType, result, value);
    }

    private static void Transpose(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        var perm = c.Proto.GetInts("perm") ?? Enumerable.Range(0, dims.Length).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != dims.Length || perm.Order().Select((p, i) => p == i).Any(ok => !ok))
        {
            throw c.Fail($"perm {Folding.Text(perm)} is not a permutation of rank {dims.Length}");
        }
        var result = perm.Select(p => dims[p]).ToArray();
        ConstValue? value = null;
        if (c.Const(0) is { } v)
        {
            var strides = Folding.Strides(dims);
            value = Folding.Pick(v, result, k =>
            {
                var coords = Folding.Coords(k, result);
                return coords.Select((coord, i) => coord * strides[perm[i]]).Sum();
            });
        }
        c.SetOutput(0, x.ElemType, result, value);
    }

    /// <summary>The input's known value under the new shape (the elements are the same, in the same order).</summary>
    private static ConstValue? Carry(ShapeContext c, long[] dims) =>
        Folding.Known(dims) && c.Const(0) is { } v ? v.Reshaped(dims) : null;
}
