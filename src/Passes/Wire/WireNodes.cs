using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Wire;

/// <summary>
/// The pieces <see cref="WireCodec"/> puts into a graph: the encode and decode nodes of one wire tensor, their
/// int8 scale and zero point, and the value_info of a tensor whose element type the wire changes. Also the
/// pure checks every codec entry point makes before it edits anything.
/// </summary>
internal static class WireNodes
{
    /// <summary>Default-domain opset from which each encoding's nodes exist in the form used here.</summary>
    /// <remarks>Cast takes <c>to</c> as an int from opset 6; QuantizeLinear/DequantizeLinear with an int8 zero point exist from 10.</remarks>
    public static long OpsetFor(WireEncoding e) => e == WireEncoding.Int8 ? 10 : 6;

    public static int ElemTypeOf(WireEncoding e) => e == WireEncoding.Int8 ? ElementType.Int8 : ElementType.Float16;

    /// <summary>float32 → wire: Cast(to=FLOAT16), or QuantizeLinear(x, s, int8 0).</summary>
    public static NodeProto Encode(ModelGraph graph, GraphEdit edit, WireTensor t, string input, string output, ref (string Scale, string Zero)? qparams)
    {
        var name = edit.Fresh(t.Tensor + "_wire_encode");
        if (t.Encoding == WireEncoding.Fp16)
        {
            return GraphEdit.Node(name, "Cast", [input], [output], NodeAttributes.Int("to", ElementType.Float16));
        }
        qparams ??= QuantParams(graph, edit, t);
        return GraphEdit.Node(name, "QuantizeLinear", [input, qparams.Value.Scale, qparams.Value.Zero], [output]);
    }

    /// <summary>wire → float32: Cast(to=FLOAT), or DequantizeLinear(q, s, int8 0).</summary>
    public static NodeProto Decode(ModelGraph graph, GraphEdit edit, WireTensor t, string input, string output, ref (string Scale, string Zero)? qparams)
    {
        var name = edit.Fresh(t.Tensor + "_wire_decode");
        if (t.Encoding == WireEncoding.Fp16)
        {
            return GraphEdit.Node(name, "Cast", [input], [output], NodeAttributes.Int("to", ElementType.Float));
        }
        qparams ??= QuantParams(graph, edit, t);
        return GraphEdit.Node(name, "DequantizeLinear", [input, qparams.Value.Scale, qparams.Value.Zero], [output]);
    }

    /// <summary>Whether <paramref name="node"/> is the decode of <paramref name="t"/> from its wire name.</summary>
    public static bool IsDecodeOf(GraphNode? node, WireTensor t) =>
        node is not null && node.Domain.Length == 0 && node.Inputs.Count > 0 && node.Inputs[0] == t.WireName
        && (t.Encoding == WireEncoding.Fp16
            ? node.OpType == "Cast" && node.Proto.GetInt("to", 0) == ElementType.Float
            : node.OpType == "DequantizeLinear");

    /// <summary>A scalar float32 scale and a scalar int8 zero point of 0 (TensorRT takes only zero points of 0).</summary>
    private static (string Scale, string Zero) QuantParams(ModelGraph graph, GraphEdit edit, WireTensor t)
    {
        var scale = AddScalar(graph, edit.Fresh(t.Tensor + "_wire_scale"), ElementType.Float, BitConverter.GetBytes(t.Scale));
        var zero = AddScalar(graph, edit.Fresh(t.Tensor + "_wire_zero_point"), ElementType.Int8, [0]);
        return (scale, zero);
    }

    private static string AddScalar(ModelGraph graph, string name, int elemType, byte[] bytes)
    {
        graph.Proto.Initializer.Add(new TensorProto { Name = name, DataType = elemType, RawData = ByteString.CopyFrom(bytes) });
        // IR 3 (opset < 9 exports) requires every initializer to be listed as a graph input as well.
        if (graph.Model.IrVersion is > 0 and < 4) graph.Proto.Input.Add(WithType(name, elemType, new TypeProto.Types.Tensor { Shape = new TensorShapeProto() }));
        return name;
    }

    /// <summary>A value_info named <paramref name="name"/> with <paramref name="like"/>'s shape (if any) and element type <paramref name="elemType"/>.</summary>
    public static ValueInfoProto WithType(string name, int elemType, TypeProto.Types.Tensor? like)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = elemType };
        if (like?.Shape is { } shape) tensor.Shape = shape.Clone();
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    /// <summary>The tensor type the graph declares for <paramref name="name"/> (input, output or value_info), or null.</summary>
    public static TypeProto.Types.Tensor? Declared(ModelGraph graph, string name)
    {
        var g = graph.Proto;
        var v = g.Input.FirstOrDefault(i => i.Name == name) ?? g.Output.FirstOrDefault(o => o.Name == name) ?? g.ValueInfo.FirstOrDefault(i => i.Name == name);
        return v?.Type?.TensorType;
    }

    /// <summary>Sets (or adds) the value_info entry of <paramref name="info"/>'s name.</summary>
    public static void SetValueInfo(ModelGraph graph, ValueInfoProto info)
    {
        var list = graph.Proto.ValueInfo;
        var i = list.ToList().FindIndex(v => v.Name == info.Name);
        if (i >= 0) list[i] = info;
        else list.Add(info);
    }

    /// <summary>Pure: argument checks every entry point makes (no nulls, no tensor twice, an int8 scale positive and finite).</summary>
    public static void CheckArguments(IReadOnlyList<WireTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (t is null) throw new ArgumentException("a wire tensor list holds null", nameof(tensors));
            if (string.IsNullOrEmpty(t.Tensor)) throw new ArgumentException("a wire tensor has no name", nameof(tensors));
            if (!Enum.IsDefined(t.Encoding)) throw new ArgumentException($"wire tensor '{t.Tensor}' has encoding {(int)t.Encoding}, which is not fp16 or int8", nameof(tensors));
            if (!seen.Add(t.Tensor)) throw new ArgumentException($"tensor '{t.Tensor}' is listed twice", nameof(tensors));
            if (t.Encoding == WireEncoding.Int8 && !(float.IsFinite(t.Scale) && t.Scale > 0))
            {
                throw new ArgumentException($"int8 wire tensor '{t.Tensor}' has scale {t.Scale}; a scale must be positive and finite", nameof(tensors));
            }
        }
    }

    /// <summary>Pure: the tensor's element type, from its declaration or (lazily) shape inference, must be float32.</summary>
    public static void CheckFloat(ModelGraph graph, WireTensor t, int? elemType)
    {
        if (elemType == ElementType.Float) return;
        var found = elemType is null or 0 ? "of unknown type" : ElementType.Name(elemType.Value);
        throw new CodesignException(ErrorCodes.WireTensorUnsupported,
            $"tensor '{t.Tensor}' is {found}; only float32 tensors cross a link as {Name(t.Encoding)}", graph.SourcePath);
    }

    /// <summary>Pure: <paramref name="t"/>'s wire name must be free in the graph.</summary>
    public static void CheckWireNameFree(ModelGraph graph, WireTensor t, ISet<string> names)
    {
        if (!names.Contains(t.WireName)) return;
        throw new CodesignException(ErrorCodes.WireTensorUnsupported,
            $"tensor '{t.Tensor}' cannot cross as {Name(t.Encoding)}: the graph already has a tensor named '{t.WireName}'", graph.SourcePath);
    }

    /// <summary>Every tensor, node output, initializer and value_info name in the graph.</summary>
    public static HashSet<string> Names(ModelGraph graph) => GraphEdit.TensorNames(graph);

    /// <summary>
    /// Pure: how to bring the opset up to what the encodings need (null when it already is), raising to
    /// <see cref="OpsetRaise.Target"/>; OCD1801 naming the node when the model cannot follow.
    /// </summary>
    public static OpsetRaise.RaisePlan? PlanOpset(ModelGraph graph, IEnumerable<WireTensor> tensors, Func<ShapeInferenceResult> shapes)
    {
        var needs = tensors.Select(t => OpsetFor(t.Encoding)).DefaultIfEmpty(0).Max();
        if (graph.Opset >= needs) return null;
        try
        {
            return OpsetRaise.Plan(graph, shapes());
        }
        catch (CodesignException e) when (e.Code == ErrorCodes.QuantizeOpsetUnsupported)
        {
            throw new CodesignException(e.Code, $"the wire conversion needs opset {needs} (the model has {graph.Opset}), and raising it failed: {e.Message}", graph.SourcePath);
        }
    }

    public static string Name(WireEncoding e) => e == WireEncoding.Int8 ? "int8" : "fp16";
}
