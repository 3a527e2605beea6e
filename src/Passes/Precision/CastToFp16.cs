using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;

namespace OnnxCoDesign.Passes.Precision;

/// <summary>
/// Pass <c>cast-fp16</c>: a part's float32 weights and compute become float16, its graph inputs and outputs keep
/// their declared types (Cast at the edges), so a strongly typed TensorRT build (--stronglyTyped, TensorRT ≥ 10.12;
/// every build in 11) runs it in fp16 without precision flags:
/// <code>
/// Before:  x:f32 → Conv(x, W:f32, b:f32) → Relu → y:f32                                  (graph input x, output y)
/// After:   x:f32 → Cast(to=FLOAT16) → Conv(·, W:f16, b:f16) → Relu → Cast(to=FLOAT) → y:f32
/// </code>
/// Math: every float32 value v of the converted region becomes the nearest binary16 value (round to nearest even;
/// beyond ±65504 it becomes ±∞, as on the device); weights are rounded once here, activations at each node output.
/// What stays float32 (and reads or writes through a Cast where it meets the fp16 region):
/// <list type="bullet">
/// <item>nodes of another domain, nodes with subgraphs (If, Loop, Scan) and <see cref="Float32Ops"/>: ops with no
/// fp16 kernel or type constraint in ONNX Runtime or TensorRT, index and range producers, quantize/dequantize
/// (onnxconverter-common's float16 block list, the part relevant to CNNs);</item>
/// <item>inputs that ONNX types as tensor(float) alone: Resize's scales (input 2);</item>
/// <item>tensors that are not float32: int64 shape tensors, bool masks, int8 wire tensors, and float16 ones already.</item>
/// </list>
/// A constant (initializer or Constant) read only in fp16 is stored in fp16; one read both ways keeps its float32
/// copy and gains a float16 one; one read only in float32 stays as it is. Cast(to=FLOAT) and ConstantOfShape that fp16
/// nodes read produce float16.
/// Preconditions: a QDQ model (a DequantizeLinear reading a QuantizeLinear or a constant: explicit int8) is left alone —
/// its precision is its Q/DQ's, and TensorRT builds it strongly typed as it is. Matching (types from shape inference)
/// completes before any edit.
/// </summary>
public sealed class CastToFp16 : IGraphPass
{
    public const string Name = "cast-fp16";

    string IGraphPass.Name => Name;

    public IReadOnlyList<string> TargetOps { get; } = ["Cast", "Constant", "ConstantOfShape"];

    /// <summary>Standard ops that run in float32 wherever they are.</summary>
    public static readonly IReadOnlySet<string> Float32Ops = new HashSet<string>(StringComparer.Ordinal)
    {
        "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "NonMaxSuppression", "TopK", "RoiAlign", "Range",
        "CumSum", "Upsample", "EyeLike", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial",
        "Bernoulli", "If", "Loop", "Scan", "SequenceConstruct", "SequenceAt", "SplitToSequence", "ConcatFromSequence",
    };

    /// <summary>Inputs typed tensor(float) only, by op and slot.</summary>
    private static readonly IReadOnlySet<(string Op, int Slot)> Float32Slots = new HashSet<(string, int)> { ("Resize", 2) };

    public PassResult Run(ModelGraph graph, PassContext context)
    {
        var rewrites = new List<Rewrite.Rewrite>();
        if (QdqModel(graph) is { } qdq) return new PassResult(Name, rewrites, [new LeftAlone(qdq, "a QDQ model: its precision is its Q/DQ's (explicit int8), built strongly typed as it is")]);
        var shapes = context.Analyses.Of(graph, context).Shapes;
        bool IsFloat32(string t) => t.Length > 0 && (graph.ConstantOf(t)?.DataType ?? shapes.TypeOf(t)?.ElemType) == ElementType.Float;

        // Match: which nodes compute in fp16, and in which type each float32 tensor is read.
        var half = graph.Nodes.Where(n => InFp16(graph, n)).ToHashSet();
        var wantsHalf = new Dictionary<string, List<(GraphNode Node, int Slot)>>(StringComparer.Ordinal);
        var wantsFloat = new Dictionary<string, List<(GraphNode Node, int Slot)>>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            // A Cast reads any type as it is.
            for (var s = 0; node.OpType != "Cast" && s < node.Proto.Input.Count; s++)
            {
                var t = node.Proto.Input[s];
                if (!IsFloat32(t)) continue;
                var readsHalf = half.Contains(node) && !Float32Slots.Contains((node.OpType, s));
                (readsHalf ? wantsHalf : wantsFloat).TryAdd(t, []);
                (readsHalf ? wantsHalf : wantsFloat)[t].Add((node, s));
            }
        }
        // A node whose float output type is its own (Cast, Constant, ConstantOfShape) stays float32 unless an fp16 node reads
        // it: Resize's scales, computed or constant, keep every bit (a scale rounded to fp16 can change the output size).
        half.RemoveWhere(n => n.OpType is "Cast" or "Constant" or "ConstantOfShape" && !n.Proto.Output.Any(wantsHalf.ContainsKey));
        var leftAlone = graph.Nodes.Where(n => !half.Contains(n) && n.Proto.Input.Concat(n.Proto.Output).Any(IsFloat32))
            .Select(n => new LeftAlone(n.Name, $"{n.OpType} stays float32")).ToList();
        // Subgraph readers (If/Loop bodies) and graph outputs read float32.
        var outputs = graph.Outputs.Select(o => o.Name).Where(IsFloat32).ToHashSet(StringComparer.Ordinal);
        var producedHalf = half.SelectMany(n => n.Proto.Output.Where(IsFloat32)).ToHashSet(StringComparer.Ordinal);
        if (producedHalf.Count == 0 && wantsHalf.Count == 0)
        {
            return new PassResult(Name, rewrites, leftAlone.Append(new LeftAlone("graph", "no float32 compute to convert")).ToList());
        }

        // Edit.
        var edit = new GraphEdit(graph);
        var castsAfter = new List<(GraphNode Producer, NodeProto Cast)>();
        var firstOf = graph.Nodes.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        foreach (var t in graph.Initializers.Keys.Where(t => IsFloat32(t) && !graph.IsRuntimeInput(t)).Order(StringComparer.Ordinal))
        {
            if (!wantsHalf.TryGetValue(t, out var readers)) continue;
            var tensor = graph.Initializers[t];
            var onlyHalf = !wantsFloat.ContainsKey(t) && !outputs.Contains(t) && !graph.ConsumersOf(t).Any(c => c.Slot < 0);
            var name = onlyHalf ? t : edit.Fresh(t + "_fp16");
            var converted = Half(tensor, name, context.Weights);
            if (onlyHalf)
            {
                graph.Proto.Initializer[graph.Proto.Initializer.IndexOf(tensor)] = converted;
                // An initializer also listed as a graph input (IR < 4 models) is declared with its new type there too.
                foreach (var declared in graph.Proto.Input.Where(i => i.Name == t && i.Type?.TensorType is not null)) declared.Type.TensorType.ElemType = ElementType.Float16;
            }
            else
            {
                graph.Proto.Initializer.Add(converted);
            }
            foreach (var (node, slot) in readers) node.Proto.Input[slot] = name;
            rewrites.Add(new Rewrite.Rewrite(t, onlyHalf ? "stored in fp16" : "fp16 copy for its fp16 readers"));
        }
        foreach (var node in half)
        {
            RetypeAttributes(node.Proto);
        }
        // Tensors produced in fp16 keep their names; float32 readers read a Cast of them.
        foreach (var t in producedHalf.Order(StringComparer.Ordinal))
        {
            var producer = graph.ProducerOf(t)!;
            var floatReaders = wantsFloat.GetValueOrDefault(t) ?? [];
            var subgraphReaders = graph.ConsumersOf(t).Any(c => c.Slot < 0);
            if (outputs.Contains(t) || subgraphReaders)
            {
                // The name stays float32 (a graph output's declared type, or what a subgraph reads): the producer writes a fresh fp16 tensor.
                var h = edit.Fresh(t + "_fp16");
                producer.Proto.Output[producer.Proto.Output.IndexOf(t)] = h;
                foreach (var (node, slot) in wantsHalf.GetValueOrDefault(t) ?? []) node.Proto.Input[slot] = h;
                castsAfter.Add((producer, Cast(edit, h, t, ElementType.Float)));
                rewrites.Add(new Rewrite.Rewrite(t, "computed in fp16, cast to float32 for the graph output"));
                continue;
            }
            Retype(graph, t, ElementType.Float16);
            if (floatReaders.Count > 0)
            {
                var f = edit.Fresh(t + "_fp32");
                foreach (var (node, slot) in floatReaders) node.Proto.Input[slot] = f;
                castsAfter.Add((producer, Cast(edit, t, f, ElementType.Float)));
            }
            rewrites.Add(new Rewrite.Rewrite(t, "computed in fp16"));
        }
        // Float32 tensors (graph inputs, float32 nodes' outputs) read by fp16 nodes: one Cast each, before the first reader.
        foreach (var (t, readers) in wantsHalf.Where(kv => !producedHalf.Contains(kv.Key) && !graph.IsInitializer(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var h = edit.Fresh(t + "_fp16");
            foreach (var (node, slot) in readers) node.Proto.Input[slot] = h;
            var cast = Cast(edit, t, h, ElementType.Float16);
            var first = readers.Select(r => r.Node).MinBy(n => firstOf[n])!;
            InsertBefore(graph.Proto, first.Proto, cast);
            rewrites.Add(new Rewrite.Rewrite(t, $"cast to fp16 for {readers.Count} reader(s)"));
        }
        foreach (var (producer, cast) in castsAfter) InsertAfter(graph.Proto, producer.Proto, cast);
        edit.RemoveUnreferenced();
        graph.Refresh();
        return new PassResult(Name, rewrites, leftAlone);
    }

    /// <summary>
    /// A node that computes in fp16: a standard op not in <see cref="Float32Ops"/>, without subgraphs. A Cast to FLOAT
    /// that writes a graph output is the edge's cast (this pass's own, or the model's) and stays as it is.
    /// </summary>
    private static bool InFp16(ModelGraph graph, GraphNode node) =>
        node.Proto.Domain is "" or "ai.onnx"
        && !Float32Ops.Contains(node.OpType)
        && !node.Proto.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)
        && !(node.OpType == "Cast" && node.Proto.GetInt("to", 0) == ElementType.Float && node.Proto.Output.Any(graph.IsGraphOutput));

    /// <summary>The name of a DequantizeLinear that reads a QuantizeLinear or a constant (the mark of a QDQ model), or null.</summary>
    private static string? QdqModel(ModelGraph graph) => graph.Nodes
        .FirstOrDefault(n => n.OpType == "DequantizeLinear" && n.Proto.Input.Count > 0
            && (graph.IsInitializer(n.Proto.Input[0]) || graph.ProducerOf(n.Proto.Input[0]) is { OpType: "QuantizeLinear" or "Constant" }))?.Name;

    private static void RetypeAttributes(NodeProto node)
    {
        switch (node.OpType)
        {
            case "Cast" when node.GetInt("to", 0) == ElementType.Float:
                node.Find("to")!.I = ElementType.Float16;
                break;
            case "Constant" when node.GetTensor("value") is { DataType: ElementType.Float } value:
                node.Find("value")!.T = Half(value, value.Name, null);
                break;
            case "ConstantOfShape":
                var fill = node.GetTensor("value");
                if (fill is not null && fill.DataType != ElementType.Float) break;
                var zero = new TensorProto { DataType = ElementType.Float, RawData = ByteString.CopyFrom(new byte[4]) };
                zero.Dims.Add(1);
                var converted = Half(fill ?? zero, fill?.Name ?? "", null);
                if (node.Find("value") is { } attr) attr.T = converted;
                else node.Attribute.Add(NodeAttributes.Tensor("value", converted));
                break;
        }
    }

    /// <summary>The tensor's values rounded to float16 and stored inline (any external reference dropped).</summary>
    private static TensorProto Half(TensorProto tensor, string name, ExternalDataStore? store)
    {
        var values = TensorValues.AsFloat(tensor, store);
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (System.Half)values[i]);
        var result = new TensorProto { Name = name, DataType = ElementType.Float16, RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
        result.Dims.AddRange(tensor.Dims);
        return result;
    }

    private static NodeProto Cast(GraphEdit edit, string from, string to, int type) =>
        GraphEdit.Node(edit.Fresh(to + "_cast"), "Cast", [from], [to], NodeAttributes.Int("to", type));

    /// <summary>A declared value_info of the tensor takes the new element type.</summary>
    private static void Retype(ModelGraph graph, string tensor, int type)
    {
        foreach (var info in graph.Proto.ValueInfo.Where(v => v.Name == tensor && v.Type?.TensorType is not null)) info.Type.TensorType.ElemType = type;
    }

    private static void InsertBefore(GraphProto graph, NodeProto before, NodeProto node) => graph.Node.Insert(graph.Node.IndexOf(before), node);

    private static void InsertAfter(GraphProto graph, NodeProto after, NodeProto node) => graph.Node.Insert(graph.Node.IndexOf(after) + 1, node);
}
