using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Unary and broadcasting elementwise operators. Output type follows input 0 (Cast aside); shape is the
/// input's (unary) or the numpy broadcast of all inputs. Integer arithmetic on known values is folded,
/// since exporters compute shapes with Add/Sub/Mul/Div over Shape outputs.
/// </summary>
internal static class ElementwiseRules
{
    private static readonly string[] Unary =
    {
        "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Clip", "Identity", "Softmax", "LogSoftmax",
        "Elu", "Selu", "Softplus", "Softsign", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Floor", "Ceil", "Round",
        "Erf", "Gelu", "Mish", "Sin", "Cos", "Not", "Sign", "LRN", "InstanceNormalization",
    };

    private static readonly string[] Broadcasting = { "Add", "Sub", "Mul", "Div", "Pow", "Sum", "Max", "Min", "Mean", "PRelu", "And", "Or", "Xor", "Mod" };

    private static readonly string[] Comparison = { "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual" };

    public static void Register(Dictionary<string, ShapeRule> table)
    {
        foreach (var op in Unary) table[op] = UnaryRule;
        foreach (var op in Broadcasting) table[op] = BroadcastRule;
        foreach (var op in Comparison) table[op] = c => BroadcastTo(c, ElementType.Bool);
        table["Where"] = c => BroadcastTo(c, c.ElemType(1));
    }

    private static void UnaryRule(ShapeContext c)
    {
        var x = c.Input(0);
        var value = c.OpType() is "Identity" ? c.Const(0) : FoldUnary(c);
        c.SetOutput(0, x, value);
    }

    // PyTorch's interpolate(scale_factor=…) computes output sizes as Floor(Cast(Shape) · scale), so rounding
    // and sign operators fold as well.
    private static ConstValue? FoldUnary(ShapeContext c)
    {
        if (c.Const(0) is not { } v) return null;
        Func<double, double>? real = c.OpType() switch
        {
            "Floor" => Math.Floor,
            "Ceil" => Math.Ceiling,
            "Neg" => d => -d,
            "Abs" => Math.Abs,
            "Sqrt" => Math.Sqrt,
            _ => null,
        };
        if (real is null) return null;
        if (!v.IsInteger) return ConstValue.OfReals(v.ElemType, v.Dims, v.Reals!.Select(real).ToArray());
        // −INT64_MIN has no int64 value: such a value is left unfolded rather than wrapped.
        if (v.Ints!.Contains(long.MinValue)) return null;
        return c.OpType() switch
        {
            "Neg" => ConstValue.OfInts(v.ElemType, v.Dims, v.Ints!.Select(i => -i).ToArray()),
            "Abs" => ConstValue.OfInts(v.ElemType, v.Dims, v.Ints!.Select(Math.Abs).ToArray()),
            _ => null,
        };
    }

    private static void BroadcastRule(ShapeContext c) => BroadcastTo(c, c.ElemType(0));

    private static void BroadcastTo(ShapeContext c, int elemType)
    {
        var shapes = new List<long[]>();
        for (var i = 0; i < c.InputCount; i++)
        {
            if (c.HasInput(i)) shapes.Add(c.Dims(i));
        }
        var op = c.OpType();
        var merged = Broadcast.Shape(shapes)
            ?? throw c.Fail($"shapes {string.Join(" and ", shapes.Select(s => "[" + string.Join(",", s) + "]"))} do not broadcast");
        // PRelu's slope broadcasts to X unidirectionally: the result is X's shape, and the slope may not grow it.
        var dims = op == "PRelu" ? c.Dims(0) : merged;
        if (op == "PRelu" && (merged.Length != dims.Length || merged.Where((d, i) => dims[i] >= 0 && d != dims[i]).Any()))
        {
            throw c.Fail($"slope of shape [{string.Join(",", c.Dims(1))}] does not broadcast to X [{string.Join(",", dims)}]");
        }
        c.SetOutput(0, elemType, dims, Fold(c, op, dims) ?? FoldSelect(c, op, dims, elemType));
    }

    // Comparisons and Where fold too: PyTorch exports expand(-1, …) and similar as Equal/Where over Shape
    // outputs, and the Expand or Reshape downstream needs the result as a constant.
    private static ConstValue? FoldSelect(ShapeContext c, string op, long[] dims, int elemType)
    {
        if (op is not ("Where" or "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual") || c.InputCount < 2) return null;
        var values = new List<ConstValue>();
        for (var i = 0; i < c.InputCount; i++)
        {
            if (c.Const(i) is not { } v) return null;
            values.Add(v);
        }
        if (!Folding.Small(dims)) return null;
        var count = Folding.Count(dims);
        int At(int operand, int k) => Broadcast.SourceIndex(dims, values[operand].Dims, k);
        if (op == "Where")
        {
            var (cond, x, y) = (values[0], values[1], values[2]);
            if (x.IsInteger && y.IsInteger)
            {
                var picked = new long[count];
                for (var k = 0; k < count; k++) picked[k] = cond.Real(At(0, k)) != 0 ? x.Ints![At(1, k)] : y.Ints![At(2, k)];
                return ConstValue.OfInts(elemType, dims, picked);
            }
            var reals = new double[count];
            for (var k = 0; k < count; k++) reals[k] = cond.Real(At(0, k)) != 0 ? x.Real(At(1, k)) : y.Real(At(2, k));
            return ConstValue.OfReals(elemType, dims, reals);
        }
        var flags = new long[count];
        for (var k = 0; k < count; k++)
        {
            // Compare int64 values as integers so that sentinels such as INT64_MAX stay exact.
            var order = values[0].IsInteger && values[1].IsInteger
                ? values[0].Ints![At(0, k)].CompareTo(values[1].Ints![At(1, k)])
                : values[0].Real(At(0, k)).CompareTo(values[1].Real(At(1, k)));
            var holds = op switch
            {
                "Equal" => order == 0,
                "Less" => order < 0,
                "Greater" => order > 0,
                "LessOrEqual" => order <= 0,
                _ => order >= 0,
            };
            flags[k] = holds ? 1 : 0;
        }
        return ConstValue.OfInts(ElementType.Bool, dims, flags);
    }

    private static ConstValue? Fold(ShapeContext c, string op, long[] dims)
    {
        if (op is not ("Add" or "Sub" or "Mul" or "Div" or "Max" or "Min" or "Sum") || c.InputCount < 1) return null;
        var values = new List<ConstValue>();
        for (var i = 0; i < c.InputCount; i++)
        {
            if (c.Const(i) is not { } v) return null;
            values.Add(v);
        }
        if (!Folding.Small(dims)) return null;
        var count = Folding.Count(dims);
        var integer = values.All(v => v.IsInteger);
        var result = new double[count];
        var longs = new long[count];
        for (var k = 0; k < count; k++)
        {
            if (integer)
            {
                var acc = values[0].Ints![Broadcast.SourceIndex(dims, values[0].Dims, k)];
                for (var j = 1; j < values.Count; j++)
                {
                    // Shape arithmetic that leaves int64 has no value to fold: the result stays unknown, never wrapped.
                    if (Apply(op, acc, values[j].Ints![Broadcast.SourceIndex(dims, values[j].Dims, k)]) is not { } next) return null;
                    acc = next;
                }
                longs[k] = acc;
            }
            else
            {
                var acc = values[0].Real(Broadcast.SourceIndex(dims, values[0].Dims, k));
                for (var j = 1; j < values.Count; j++) acc = Apply(op, acc, values[j].Real(Broadcast.SourceIndex(dims, values[j].Dims, k)));
                result[k] = acc;
            }
        }
        var type = c.ElemType(0);
        return integer ? ConstValue.OfInts(type, dims, longs) : ConstValue.OfReals(type, dims, result);
    }

    // Integer Div truncates toward zero, as ONNX Runtime's integer Div does. Null when the result leaves int64.
    private static long? Apply(string op, long a, long b)
    {
        try
        {
            return op switch
            {
                "Add" or "Sum" => checked(a + b),
                "Sub" => checked(a - b),
                "Mul" => checked(a * b),
                "Div" => b == 0 ? 0 : checked(a / b),
                "Max" => Math.Max(a, b),
                _ => Math.Min(a, b),
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static double Apply(string op, double a, double b) => op switch
    {
        "Add" or "Sum" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / b,
        "Max" => Math.Max(a, b),
        _ => Math.Min(a, b),
    };
}
