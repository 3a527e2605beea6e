using static Onnx.AttributeProto.Types;
using static OnnxCoDesign.Passes.Checking.TypeClass;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// The schemas of the operators the tool infers shapes for (<see cref="Shapes.ShapeRuleTable"/>), read from
/// ONNX's Operators.md: one line per operator version that changed its inputs, outputs or required
/// attributes, and every attribute any version from opset 7 defines (a node naming another is refused). Data, in one place; <see cref="NodeCheck"/> and <see cref="NodeTypeCheck"/> apply it.
/// Attributes are written "name:kind" with kinds i, f, s, t, st, is, fs, ss (int, float, string, tensor,
/// sparse tensor, and lists); counts "min-max", with * for a variadic end.
/// </summary>
internal static class OperatorSignatures
{
    /// <summary>
    /// ONNX sets no bound on a variadic operator's inputs or outputs; this tool does, far above any CNN
    /// export (concats of a few dozen branches), so a damaged file cannot make one node of 100,000 inputs.
    /// </summary>
    public const int VariadicLimit = 2048;

    private const string Pool = "auto_pad:s ceil_mode:i dilations:is kernel_shape:is pads:is strides:is";
    private const string Reduce = "axes:is keepdims:i noop_with_empty_axes:i";

    private static readonly Dictionary<string, OperatorEntry> Table = Build();

    public static IReadOnlyCollection<string> Operators => Table.Keys;

    public static OperatorEntry? Find(string opType) => Table.GetValueOrDefault(opType);

    private static Dictionary<string, OperatorEntry> Build()
    {
        var t = new List<OperatorEntry>();

        // Elementwise, one input.
        foreach (var op in new[] { "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Softplus", "Softsign", "Floor", "Ceil" })
        {
            t.Add(Op(op, "").V(1, "1", "1", "", All(Float)));
        }
        foreach (var op in new[] { "Relu", "Neg", "Abs" }) t.Add(Op(op, "").V(1, "1", "1", "", All(Numeric)));
        t.Add(Op("Sin", "").V(7, "1", "1", "", All(Float)));
        t.Add(Op("Cos", "").V(7, "1", "1", "", All(Float)));
        t.Add(Op("Round", "").V(11, "1", "1", "", All(Float)));
        t.Add(Op("Erf", "").V(9, "1", "1", "", All(Numeric)));
        t.Add(Op("Sign", "").V(9, "1", "1", "", All(Numeric)));
        t.Add(Op("HardSwish", "").V(14, "1", "1", "", All(Float)));
        t.Add(Op("Mish", "").V(18, "1", "1", "", All(Float)));
        t.Add(Op("Gelu", "approximate:s").V(20, "1", "1", "", All(Float)));
        t.Add(Op("Not", "").V(1, "1", "1", "", All(Bool)));
        t.Add(Op("Identity", "").V(1, "1", "1", "", All(Any)));
        t.Add(Op("LeakyRelu", "alpha:f").V(1, "1", "1", "", All(Float)));
        t.Add(Op("Elu", "alpha:f").V(1, "1", "1", "", All(Float)));
        t.Add(Op("Selu", "alpha:f gamma:f").V(1, "1", "1", "", All(Float)));
        t.Add(Op("HardSigmoid", "alpha:f beta:f").V(1, "1", "1", "", All(Float)));
        t.Add(Op("Softmax", "axis:i").V(1, "1", "1", "", All(Float)));
        t.Add(Op("LogSoftmax", "axis:i").V(1, "1", "1", "", All(Float)));
        t.Add(Op("Clip", "min:f max:f").V(1, "1", "1", "", All(Numeric)).V(11, "1-3", "1", "", All(Numeric)));
        t.Add(Op("LRN", "alpha:f beta:f bias:f size:i").V(1, "1", "1", "size", All(Float)));
        t.Add(Op("InstanceNormalization", "epsilon:f").V(1, "3", "1", "", All(Float)));

        // Elementwise, broadcasting.
        foreach (var op in new[] { "Add", "Sub", "Mul", "Div" }) t.Add(Op(op, "axis:i broadcast:i").V(1, "2", "1", "", All(Numeric)));
        t.Add(Op("Pow", "axis:i broadcast:i").V(1, "2", "1", "", Each(Numeric, 0), Each(Numeric, 1)));
        t.Add(Op("Mod", "fmod:i").V(10, "2", "1", "", All(Numeric)));
        t.Add(Op("PRelu", "").V(1, "2", "1", "", All(Numeric)));
        foreach (var op in new[] { "Sum", "Mean" }) t.Add(Op(op, "").V(1, "1-*", "1", "", All(Float)));
        foreach (var op in new[] { "Max", "Min" }) t.Add(Op(op, "").V(1, "1-*", "1", "", All(Numeric)));
        foreach (var op in new[] { "And", "Or", "Xor" }) t.Add(Op(op, "axis:i broadcast:i").V(1, "2", "1", "", All(Bool)));
        foreach (var op in new[] { "Equal", "Less", "Greater" }) t.Add(Op(op, "axis:i broadcast:i").V(1, "2", "1", "", All(Any)));
        foreach (var op in new[] { "LessOrEqual", "GreaterOrEqual" }) t.Add(Op(op, "").V(12, "2", "1", "", All(Numeric)));
        t.Add(Op("Where", "").V(9, "3", "1", "", Each(Bool, 0), Group(Any, 1, 2)));

        // Convolution, pooling, normalisation, linear.
        t.Add(Op("Conv", "auto_pad:s dilations:is group:i kernel_shape:is pads:is strides:is")
            .V(1, "2-3", "1", "", Group(Float, 0, 1, 2)));
        t.Add(Op("ConvTranspose", "auto_pad:s dilations:is group:i kernel_shape:is output_padding:is output_shape:is pads:is strides:is")
            .V(1, "2-3", "1", "", Group(Float, 0, 1, 2)));
        t.Add(Op("MaxPool", Pool + " storage_order:i").V(1, "1", "1-2", "kernel_shape", Each(Numeric, 0)));
        t.Add(Op("AveragePool", Pool + " count_include_pad:i").V(1, "1", "1", "kernel_shape", Each(Float, 0)));
        // LpPool's p was a float in version 1 (before the tool's oldest opset, 7) and an int from version 2.
        t.Add(Op("LpPool", Pool + " p:i").V(1, "1", "1", "kernel_shape", Each(Float, 0)));
        foreach (var op in new[] { "GlobalAveragePool", "GlobalMaxPool" }) t.Add(Op(op, "").V(1, "1", "1", "", Each(Float, 0)));
        t.Add(Op("GlobalLpPool", "p:i").V(1, "1", "1", "", Each(Float, 0)));
        t.Add(Op("BatchNormalization", "epsilon:f momentum:f spatial:i is_test:i training_mode:i")
            .V(1, "5", "1-5", "", Group(Float, 0, 1, 2, 3, 4))
            .V(14, "5", "1-3", "", Group(Float, 0, 1, 2), Group(Float, 3, 4))
            .V(15, "5", "1-3", "", Each(Float, 0), Group(Float, 1, 2), Group(Float, 3, 4)));
        t.Add(Op("LayerNormalization", "axis:i epsilon:f stash_type:i").V(17, "2-3", "1-3", "", Group(Float, 0, 1, 2)));
        t.Add(Op("Gemm", "alpha:f beta:f transA:i transB:i broadcast:i")
            .V(1, "3", "1", "", Group(Numeric, 0, 1, 2))
            .V(11, "2-3", "1", "", Group(Numeric, 0, 1, 2)));
        t.Add(Op("MatMul", "").V(1, "2", "1", "", Group(Numeric, 0, 1)));
        // Explicit quantization (the quantize pass writes them): per tensor from 10, per channel (axis) from 13.
        t.Add(Op("QuantizeLinear", "axis:i saturate:i block_size:i output_dtype:i precision:i").V(10, "2-3", "1", "", Each(Numeric, 0), Each(Float, 1)));
        t.Add(Op("DequantizeLinear", "axis:i block_size:i output_dtype:i").V(10, "2-3", "1", "", Group(Numeric, 0, 2), Each(Float, 1)));
        t.Add(Op("Dropout", "ratio:f is_test:i seed:i").V(1, "1", "1-2", "", Each(Float, 0)).V(12, "1-3", "1-2", "", Each(Float, 0), Each(Bool, 2)));

        // Tensor plumbing.
        t.Add(Op("Constant", "value:t sparse_value:st value_float:f value_floats:fs value_int:i value_ints:is value_string:s value_strings:ss").V(1, "0", "1", ""));
        t.Add(Op("ConstantOfShape", "value:t").V(9, "1", "1", "", Each(Int64Only, 0)));
        // Cast-1 took `to` as a string; Cast-6 and later (all the tool reads) as an int.
        t.Add(Op("Cast", "to:i saturate:i").V(1, "1", "1", "to"));
        t.Add(Op("CastLike", "saturate:i").V(15, "2", "1", ""));
        t.Add(Op("Shape", "start:i end:i").V(1, "1", "1", ""));
        t.Add(Op("Size", "").V(1, "1", "1", ""));
        t.Add(Op("Range", "").V(11, "3", "1", "", Group(Numeric, 0, 1, 2)));
        t.Add(Op("Concat", "axis:i").V(1, "1-*", "1", "", All(Any)).V(4, "1-*", "1", "axis", All(Any)));
        t.Add(Op("Split", "axis:i split:is num_outputs:i").V(1, "1-2", "1-*", "").V(2, "1", "1-*", "").V(13, "1-2", "1-*", "", Each(Int64Only, 1)));
        t.Add(Op("Reshape", "shape:is allowzero:i").V(1, "1", "1", "").V(5, "2", "1", "", Each(Int64Only, 1)));
        t.Add(Op("Flatten", "axis:i").V(1, "1", "1", ""));
        t.Add(Op("Squeeze", "axes:is").V(1, "1", "1", "").V(13, "1-2", "1", "", Each(Int64Only, 1)));
        t.Add(Op("Unsqueeze", "axes:is").V(1, "1", "1", "axes").V(13, "2", "1", "", Each(Int64Only, 1)));
        t.Add(Op("Expand", "").V(8, "2", "1", "", Each(Int64Only, 1)));
        t.Add(Op("Transpose", "perm:is").V(1, "1", "1", ""));
        t.Add(Op("Gather", "axis:i").V(1, "2", "1", "", Each(Indices, 1)));
        t.Add(Op("Slice", "axes:is ends:is starts:is").V(1, "1", "1", "starts ends").V(10, "3-5", "1", "", Group(Indices, 1, 2, 3, 4)));
        t.Add(Op("Pad", "mode:s pads:is paddings:is value:f")
            .V(1, "1", "1", "paddings").V(2, "1", "1", "pads").V(11, "2-3", "1", "", Each(Int64Only, 1)).V(18, "2-4", "1", "", Each(Int64Only, 1), Each(Indices, 3)));
        t.Add(Op("Resize", "mode:s coordinate_transformation_mode:s cubic_coeff_a:f exclude_outside:i extrapolation_value:f nearest_mode:s antialias:i axes:is keep_aspect_ratio_policy:s")
            .V(10, "2", "1", "").V(11, "3-4", "1", "").V(13, "1-4", "1", "", Each(Int64Only, 3)));
        t.Add(Op("Upsample", "mode:s scales:fs").V(7, "1", "1", "scales").V(9, "2", "1", ""));

        // Reductions: axes moved from attribute to input in ReduceSum-13 and the others' version 18.
        foreach (var op in new[] { "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ReduceSum" })
        {
            var inputSince = op == "ReduceSum" ? 13 : 18;
            t.Add(Op(op, Reduce).V(1, "1", "1", "", Each(Numeric, 0)).V(inputSince, "1-2", "1", "", Each(Numeric, 0), Each(Int64Only, 1)));
        }
        foreach (var op in new[] { "ArgMax", "ArgMin" }) t.Add(Op(op, "axis:i keepdims:i select_last_index:i").V(1, "1", "1", "", Each(Numeric, 0)));

        return t.ToDictionary(e => e.OpType, StringComparer.Ordinal);
    }

    private static TypeGroup All(TypeClass c) => new(c, []);

    private static TypeGroup Group(TypeClass c, params int[] slots) => new(c, slots);

    private static TypeGroup Each(TypeClass c, int slot) => new(c, [slot], Same: false);

    private static EntryBuilder Op(string opType, string attributes) => new(opType, attributes);

    /// <summary>Collects an operator's versions; converts to the entry where the table is built.</summary>
    private sealed class EntryBuilder(string opType, string attributes)
    {
        private readonly List<OperatorSignature> _versions = new();

        public EntryBuilder V(int since, string inputs, string outputs, string requiredAttributes, params TypeGroup[] types)
        {
            var (minIn, maxIn) = Count(inputs);
            var (minOut, maxOut) = Count(outputs);
            var required = requiredAttributes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            _versions.Add(new OperatorSignature(since, minIn, maxIn, minOut, maxOut, required, types));
            return this;
        }

        public static implicit operator OperatorEntry(EntryBuilder b) => new(b._opType, Kinds(b._attributes), b._versions);

        private readonly string _opType = opType;
        private readonly string _attributes = attributes;

        private static (int Min, int Max) Count(string text)
        {
            var parts = text.Split('-');
            var min = int.Parse(parts[0]);
            var max = parts.Length == 1 ? min : parts[1] == "*" ? VariadicLimit : int.Parse(parts[1]);
            return (min, max);
        }

        private static Dictionary<string, AttributeType> Kinds(string text) =>
            text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Split(':')).ToDictionary(p => p[0], p => p[1] switch
            {
                "i" => AttributeType.Int,
                "f" => AttributeType.Float,
                "s" => AttributeType.String,
                "t" => AttributeType.Tensor,
                "st" => AttributeType.SparseTensor,
                "is" => AttributeType.Ints,
                "fs" => AttributeType.Floats,
                "ss" => AttributeType.Strings,
                _ => throw new InvalidOperationException($"unknown attribute kind '{p[1]}'"),
            }, StringComparer.Ordinal);
    }
}
