using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Operators that make small tensors, the seeds of the shape arithmetic exporters emit. All fold.
/// Constant: the tensor of value (9+) / sparse_value (11+) / value_float(s), value_int(s), value_string(s) (12+).
/// ConstantOfShape: dims = the values of input 0; every element = the one-element value attribute (float 0).
/// Shape: int64 [end − start] of X's dims; start/end (15+) are clamped to [0, rank] after adding rank to negatives.
/// Size: int64 scalar, the element count. Range: [max(ceil((limit − start)/delta), 0)] of start's type.
/// Cast / CastLike: X's shape, element type `to` (or input 1's); known values convert (ints wrap, reals truncate).
/// </summary>
internal static class ConstantRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["Constant"] = Constant;
        table["ConstantOfShape"] = ConstantOfShape;
        table["Shape"] = Shape;
        table["Size"] = Size;
        table["Range"] = Range;
        table["Cast"] = c => Cast(c, (int)c.Proto.GetInt("to", 0));
        table["CastLike"] = c => Cast(c, c.ElemType(1));
    }

    private static void Constant(ShapeContext c)
    {
        var attribute = c.Proto.Attribute.Count == 1 ? c.Proto.Attribute[0] : throw c.Fail("Constant needs exactly one value attribute");
        var since = attribute.Name switch { "value" => 1, "sparse_value" => 11, _ => 12 };
        if (c.Opset < since) throw c.Unsupported($"attribute {attribute.Name} needs Constant-{since}; the model imports opset {c.Opset}");
        switch (attribute.Name)
        {
            case "value":
                var t = attribute.T;
                var value = ExternalDataReference.IsExternal(t) ? null : ConstValue.FromTensor(t, null);
                c.SetOutput(0, t.DataType, t.Dims.ToArray(), value);
                break;
            case "sparse_value":
                c.SetOutput(0, attribute.SparseTensor.Values.DataType, attribute.SparseTensor.Dims.ToArray());
                break;
            case "value_float":
                c.SetOutput(0, ElementType.Float, [], ConstValue.OfReals(ElementType.Float, [], [attribute.F]));
                break;
            case "value_floats":
                c.SetOutput(0, ElementType.Float, [attribute.Floats.Count],
                    ConstValue.OfReals(ElementType.Float, [attribute.Floats.Count], attribute.Floats.Select(f => (double)f).ToArray()));
                break;
            case "value_int":
                c.SetOutput(0, ElementType.Int64, [], ConstValue.OfInts(ElementType.Int64, [], [attribute.I]));
                break;
            case "value_ints":
                c.SetOutput(0, ElementType.Int64, [attribute.Ints.Count], ConstValue.OfInts(ElementType.Int64, [attribute.Ints.Count], attribute.Ints.ToArray()));
                break;
            case "value_string":
                c.SetOutput(0, ElementType.String, []);
                break;
            case "value_strings":
                c.SetOutput(0, ElementType.String, [attribute.Strings.Count]);
                break;
            default:
                throw c.Unsupported($"attribute {attribute.Name} is not a Constant value");
        }
    }

    private static void ConstantOfShape(ShapeContext c)
    {
        var fill = c.Proto.GetTensor("value");
        if (fill is not null && TensorValues.ElementCount(fill) != 1) throw c.Fail("value must hold exactly one element");
        var type = fill?.DataType ?? ElementType.Float;
        var shape = c.ConstInts(0);
        if (shape is null)
        {
            // The rank is the length of the shape vector, when that is known.
            var len = c.Dims(0);
            c.SetOutput(0, type, len.Length == 1 && len[0] >= 0 ? c.UnknownShape(len[0]) : null);
            return;
        }
        if (shape.Any(d => d < 0)) throw c.Fail($"shape {Folding.Text(shape)} has a negative dimension");
        var element = fill is null ? ConstValue.OfReals(ElementType.Float, [], [0.0]) : ConstValue.FromTensor(fill, null);
        var value = element is null ? null : Folding.Pick(element, shape, _ => 0);
        c.SetOutput(0, type, shape, value);
    }

    private static void Shape(ShapeContext c)
    {
        var dims = c.Dims(0);
        var rank = dims.Length;
        long start = 0, end = rank;
        if (c.Opset >= 15)
        {
            start = Clamp(c.Proto.GetInt("start", 0), rank);
            end = Clamp(c.Proto.GetInt("end", rank), rank);
        }
        var picked = start < end ? dims[(int)start..(int)end] : [];
        c.SetOutput(0, ElementType.Int64, [picked.Length], Folding.ShapeValue(picked));
    }

    private static long Clamp(long index, long rank) => Math.Clamp(index < 0 ? index + rank : index, 0, rank);

    private static void Size(ShapeContext c)
    {
        var count = Folding.Count(c.Dims(0));
        c.SetOutput(0, ElementType.Int64, [], count >= 0 ? ConstValue.OfInts(ElementType.Int64, [], [count]) : null);
    }

    private static void Range(ShapeContext c)
    {
        var type = c.ElemType(0);
        if (c.Const(0) is not { Count: 1 } start || c.Const(1) is not { Count: 1 } limit || c.Const(2) is not { Count: 1 } delta)
        {
            c.SetOutput(0, type, [-1]);
            return;
        }
        if (delta.Real(0) == 0) throw c.Fail("delta must not be zero");
        // A NaN or infinite count (a NaN or infinite bound) is no length: the checked conversion refuses it.
        var n = checked((long)Math.Max(Math.Ceiling((limit.Real(0) - start.Real(0)) / delta.Real(0)), 0));
        ConstValue? value = null;
        if (n <= ConstValue.MaxElements)
        {
            value = start.IsInteger
                ? ConstValue.OfInts(type, [n], Enumerable.Range(0, (int)n).Select(i => checked(start.Ints![0] + i * delta.Ints![0])).ToArray())
                : ConstValue.OfReals(type, [n], Enumerable.Range(0, (int)n).Select(i => start.Real(0) + i * delta.Real(0)).ToArray());
        }
        c.SetOutput(0, type, [n], value);
    }

    private static void Cast(ShapeContext c, int to)
    {
        if (to == ElementType.Undefined) throw c.Fail("the `to` attribute is required");
        var x = c.Input(0);
        c.SetOutput(0, to, x.Dims, c.Const(0) is { } v ? Convert(v, to) : null);
    }

    private static ConstValue? Convert(ConstValue v, int to)
    {
        if (ElementType.IsInteger(to))
        {
            // Reals truncate toward zero (C's static_cast, as ONNX Runtime does); ints wrap to the narrower width.
            // A real outside int64 (or NaN) has no defined integer: such a value is left unfolded.
            if (!v.IsInteger && to != ElementType.Bool && v.Reals!.Any(r => !(r >= long.MinValue && r < -(double)long.MinValue))) return null;
            var ints = v.IsInteger ? v.Ints! : v.Reals!.Select(r => to == ElementType.Bool ? (r != 0 ? 1L : 0L) : (long)Math.Truncate(r)).ToArray();
            return ConstValue.OfInts(to, v.Dims, ints.Select(i => Narrow(i, to)).ToArray());
        }
        return to switch
        {
            ElementType.Float => ConstValue.OfReals(to, v.Dims, v.AsReals().Select(r => (double)(float)r).ToArray()),
            ElementType.Float16 => ConstValue.OfReals(to, v.Dims, v.AsReals().Select(r => (double)(Half)r).ToArray()),
            ElementType.Double => ConstValue.OfReals(to, v.Dims, v.AsReals().ToArray()),
            _ => null, // bfloat16, float8, strings: not folded
        };
    }

    private static long Narrow(long v, int type) => type switch
    {
        ElementType.Int8 => (sbyte)v,
        ElementType.UInt8 => (byte)v,
        ElementType.Int16 => (short)v,
        ElementType.UInt16 => (ushort)v,
        ElementType.Int32 => (int)v,
        ElementType.UInt32 => (uint)v,
        ElementType.Bool => v != 0 ? 1 : 0,
        _ => v,
    };
}
