using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// FLOPs and MACs of one node, DESIGN.md's conventions (one definition, used everywhere):
///   Conv           2·N·Cout·Hout·Wout·(Cin/group)·Kh·Kw  (+ N·Cout·Hout·Wout with a bias)
///   ConvTranspose  2·N·Cin·Hin·Win·(Cout/group)·Kh·Kw    (+ output elements with a bias)
///   Gemm, MatMul   2·M·N·K (× batch)                      (+ M·N with a bias)
///   BatchNormalization 2 per output element; elementwise 1 per output element (n−1 for an n-input Sum/Max/Min/Mean)
///   MaxPool, AveragePool kernel size per output element; GlobalAveragePool, GlobalMaxPool, ReduceMean 1 per input element
///   data movement (Reshape, Concat, Transpose, Resize, Slice, Split, Gather, Shape, …) 0
/// Returns null when the operator is not in the table or a shape it needs is not known. The arithmetic is
/// checked: a count past int64 throws <see cref="OverflowException"/>, which <see cref="AnnotateCost"/> reports.
/// </summary>
public static class FlopCounter
{
    private static readonly HashSet<string> DataMovement = new(StringComparer.Ordinal)
    {
        "Reshape", "Flatten", "Concat", "Transpose", "Resize", "Upsample", "Slice", "Split", "Gather", "Shape",
        "Squeeze", "Unsqueeze", "Identity", "Dropout", "Pad", "Cast", "Expand", "Constant", "ConstantOfShape",
        "Range", "Tile", "DepthToSpace", "SpaceToDepth", "GatherElements", "ScatterND", "Size",
    };

    private static readonly HashSet<string> Elementwise = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Clip", "Add", "Sub", "Mul", "Div",
        "Pow", "Sum", "Max", "Min", "Mean", "Softmax", "LogSoftmax", "Elu", "Selu", "Softplus", "Softsign", "Exp", "Log",
        "Sqrt", "Reciprocal", "Neg", "Abs", "Floor", "Ceil", "Round", "Erf", "Gelu", "Mish", "Sin", "Cos", "Not", "Sign",
        "And", "Or", "Xor", "Mod", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Where",
    };

    private static readonly HashSet<string> Variadic = new(StringComparer.Ordinal) { "Sum", "Max", "Min", "Mean" };

    /// <summary>(FLOPs, MACs) of the node, or null when unknown.</summary>
    public static (long Flops, long Macs)? Count(GraphNode node, Func<string, TensorInfo?> typeOf)
    {
        if (node.Domain.Length != 0) return null;
        long? Elements(string? tensor) => tensor is null ? null : typeOf(tensor)?.Elements;
        var output = Elements(node.Outputs.Count > 0 ? node.Outputs[0] : null);
        var op = node.OpType;
        if (DataMovement.Contains(op)) return (0, 0);
        if (output is not { } outElements) return null;

        if (Elementwise.Contains(op))
        {
            var present = node.Inputs.Count(i => i.Length > 0);
            return (Variadic.Contains(op) ? checked(outElements * Math.Max(1, present - 1)) : outElements, 0);
        }
        switch (op)
        {
            case "BatchNormalization":
                return (checked(2 * outElements), 0);
            case "Conv":
            {
                if (typeOf(node.Inputs[1])?.Dims is not { } w || w.Any(d => d < 0)) return null;
                var macs = checked(outElements * w[1] * Product(w[2..]));
                return (checked(2 * macs + (node.Input(2) is not null ? outElements : 0)), macs);
            }
            case "ConvTranspose":
            {
                if (typeOf(node.Inputs[1])?.Dims is not { } w || w.Any(d => d < 0) || Elements(node.Inputs[0]) is not { } inElements) return null;
                // W is [Cin, Cout/group, k…]: each input element meets Cout/group·k weights.
                var macs = checked(inElements * w[1] * Product(w[2..]));
                return (checked(2 * macs + (node.Input(2) is not null ? outElements : 0)), macs);
            }
            case "Gemm":
            case "MatMul":
            {
                var k = ReductionLength(node, typeOf);
                if (k is null) return null;
                var macs = checked(outElements * k.Value);
                var bias = op == "Gemm" && node.Input(2) is not null ? outElements : 0;
                return (checked(2 * macs + bias), macs);
            }
            case "MaxPool":
            case "AveragePool":
            {
                var kernel = node.Proto.GetInts("kernel_shape");
                return kernel is null ? null : (checked(outElements * Product(kernel)), 0);
            }
            case "GlobalAveragePool":
            case "GlobalMaxPool":
            case "ReduceMean":
                return Elements(node.Inputs[0]) is { } n ? (n, 0) : null;
            default:
                return null;
        }
    }

    private static long? ReductionLength(GraphNode node, Func<string, TensorInfo?> typeOf)
    {
        if (typeOf(node.Inputs[0])?.Dims is not { } a || a.Length == 0) return null;
        if (node.OpType == "Gemm")
        {
            var transA = node.Proto.GetInt("transA", 0) != 0;
            var k = transA ? a[0] : a[^1];
            return k >= 0 ? k : null;
        }
        var kk = a[^1];
        return kk >= 0 ? kk : null;
    }

    private static long Product(long[] values) => values.Aggregate(1L, (acc, v) => checked(acc * v));
}
