using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Concat: inputs of equal rank that agree off the axis; out[axis] = Σ in_i[axis]. axis is required; negative
///   axes are allowed from 11. Known inputs fold (exporters concatenate shape pieces before a Reshape).
/// Split: out_i[axis] = split[i]; split is an attribute before 13 and an optional input from 13. Without it:
///   before 18 d splits equally over the node's outputs; from 18 num_outputs is then required and gives chunks
///   of ceil(d / num_outputs) with a smaller last one.
/// </summary>
internal static class ConcatSplitRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["Concat"] = Concat;
        table["Split"] = Split;
    }

    private static void Concat(ShapeContext c)
    {
        var inputs = Enumerable.Range(0, c.InputCount).Where(c.HasInput).Select(c.Input).ToList();
        if (inputs.Count == 0) throw c.Fail("Concat needs at least one input");
        var shapes = inputs.Select(i => i.Dims ?? throw c.Fail("the rank of an input is unknown")).ToList();
        var rank = shapes[0].Length;
        if (!c.Proto.Has("axis")) throw c.Fail("axis is required");
        var raw = c.Proto.GetInt("axis", 0);
        if (raw < 0 && c.Opset < 11) throw c.Fail($"negative axis {raw} needs Concat-11");
        var axis = c.Axis(raw, rank);
        var result = (long[])shapes[0].Clone();
        for (var s = 1; s < shapes.Count; s++)
        {
            var shape = shapes[s];
            if (shape.Length != rank) throw c.Fail($"inputs have ranks {rank} and {shape.Length}");
            for (var i = 0; i < rank; i++)
            {
                if (i == axis) result[i] = result[i] < 0 || shape[i] < 0 ? -1 : checked(result[i] + shape[i]);
                else if (result[i] < 0) result[i] = shape[i];
                else if (shape[i] >= 0 && shape[i] != result[i])
                {
                    throw c.Fail($"inputs {Folding.Text(shapes[0])} and {Folding.Text(shape)} differ off axis {axis}");
                }
            }
        }
        c.SetOutput(0, inputs[0].ElemType, result, Fold(c, shapes, axis, result));
    }

    private static ConstValue? Fold(ShapeContext c, List<long[]> shapes, int axis, long[] result)
    {
        var values = Enumerable.Range(0, c.InputCount).Where(c.HasInput).Select(c.Const).ToList();
        if (values.Any(v => v is null) || !Folding.Small(result)) return null;
        // Row-major: for each index over the axes before `axis`, append each input's contiguous block.
        var outer = Folding.Count(result[..axis]);
        var ints = new List<long>();
        var reals = new List<double>();
        var integer = values.All(v => v!.IsInteger);
        for (var o = 0L; o < outer; o++)
        {
            for (var s = 0; s < values.Count; s++)
            {
                var block = Folding.Count(shapes[s][axis..]);
                for (var j = 0L; j < block; j++)
                {
                    var k = (int)(o * block + j);
                    if (integer) ints.Add(values[s]!.Ints![k]);
                    else reals.Add(values[s]!.Real(k));
                }
            }
        }
        var type = values[0]!.ElemType;
        return integer ? ConstValue.OfInts(type, result, ints.ToArray()) : ConstValue.OfReals(type, result, reals.ToArray());
    }

    private static void Split(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of the input is unknown");
        var axis = c.Axis(c.Proto.GetInt("axis", 0), dims.Length);
        var n = c.OutputCount;
        if (n == 0) throw c.Fail("Split needs at least one output");
        var d = dims[axis];
        long[]? sizes;
        if (!Folding.TryInts(c, "split", 1, 13, out var split)) sizes = null;
        else if (split is not null)
        {
            if (split.Length != n) throw c.Fail($"split has {split.Length} entries for {n} outputs");
            if (split.Any(s => s < 0) || (d >= 0 && split.Sum() != d)) throw c.Fail($"split {Folding.Text(split)} does not add up to {d}");
            sizes = split;
        }
        else if (c.Opset >= 18 && c.Proto.Has("num_outputs"))
        {
            var count = c.Proto.GetInt("num_outputs", 0);
            if (count != n) throw c.Fail($"num_outputs is {count} but the node has {n} outputs");
            var chunk = d < 0 ? -1 : (d + count - 1) / count;
            var last = d - chunk * (count - 1);
            if (d >= 0 && last < 0) throw c.Fail($"{d} does not split into {count} chunks of {chunk}");
            sizes = d < 0 ? null : Enumerable.Repeat(chunk, n - 1).Append(last).ToArray();
        }
        else if (c.Opset >= 18)
        {
            throw c.Fail("Split-18 needs the split input or the num_outputs attribute");
        }
        else
        {
            if (d >= 0 && d % n != 0) throw c.Fail($"dimension {d} does not split equally into {n} outputs");
            sizes = d < 0 ? null : Enumerable.Repeat(d / n, n).ToArray();
        }
        var value = c.Const(0);
        var strides = Folding.Strides(dims);
        var offset = 0L;
        for (var i = 0; i < n; i++)
        {
            var part = (long[])dims.Clone();
            part[axis] = sizes?[i] ?? -1;
            var begin = offset;
            var folded = value is null || sizes is null || !Folding.Known(dims) ? null : Folding.Pick(value, part, k =>
                Folding.Coords(k, part).Select((coord, j) => (j == axis ? coord + begin : coord) * strides[j]).Sum());
            c.SetOutput(i, x.ElemType, part, folded);
            offset += sizes?[i] ?? 0;
        }
    }
}
