using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Wire;

/// <summary>
/// The wire format of a tensor that crosses a link, written into the part models themselves, so that ONNX
/// Runtime and TensorRT run them as they are: the sending part ends with the conversion, the receiving part
/// begins with its inverse.
/// <code>
/// Sender    Before:  … → t                          (graph output t: float32[S])
///           After:   … → t → Cast(to=FLOAT16) → t__fp16             (graph output t__fp16: float16[S])
///                    … → t → QuantizeLinear(t, s, 0) → t__int8     (graph output t__int8: int8[S])
/// Receiver  Before:  t → readers                     (graph input t: float32[S])
///           After:   t__fp16 → Cast(to=FLOAT) → t → readers          (graph input t__fp16: float16[S])
///                    t__int8 → DequantizeLinear(·, s, 0) → t → readers (graph input t__int8: int8[S])
/// </code>
/// Math. fp16: h = nearest binary16 value of x (round to nearest, ties to even; beyond ±65504 it becomes ±∞),
/// decoded exactly: x̂ = float(h). int8, symmetric per tensor with the calibrated scale s = amax/127
/// (<see cref="WireTensor.Int8Scale"/>) and zero point 0: q = clamp(round_half_even(x / s), −128, 127),
/// x̂ = q · s. One byte (int8) or two (fp16) per value instead of four on the link.
/// Names: the converted tensor is <see cref="WireTensor.WireName"/>, the one the two parts exchange; the float32
/// tensor keeps its name inside each part, so every reader reads it unchanged. Element types change only on the
/// converted tensors; shapes stay, and the float32 tensor keeps a value_info with its declared type.
/// Preconditions (checked before any edit; the graph is left as it was when one fails): a listed tensor is
/// float32 and its wire name is free (OCD1820), a sender's tensor is a graph output and a receiver's a runtime
/// input (ArgumentException otherwise), an int8 scale is positive and finite (ArgumentException). Cast needs opset
/// 6 and QuantizeLinear/DequantizeLinear with an int8 zero point opset 10: a model below is raised to 13 by
/// <see cref="OpsetRaise"/> (OCD1801 when one of its nodes cannot follow). An empty list changes nothing.
/// </summary>
public static class WireCodec
{
    /// <summary>Sender: each listed graph output t (float32) is replaced, at the same position, by t.WireName = Cast(t, FLOAT16) or QuantizeLinear(t, scale, int8 0).</summary>
    public static void EncodeOutputs(ModelGraph graph, IReadOnlyList<WireTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(graph);
        WireNodes.CheckArguments(tensors);
        if (tensors.Count == 0) return;
        var shapes = Shapes(graph);
        var names = WireNodes.Names(graph);
        foreach (var t in tensors)
        {
            var output = graph.Proto.Output.FirstOrDefault(o => o.Name == t.Tensor)
                ?? throw new ArgumentException($"tensor '{t.Tensor}' is not a graph output; only a part's outputs are encoded for the wire", nameof(tensors));
            WireNodes.CheckFloat(graph, t, ElemType(output.Type?.TensorType, t.Tensor, shapes));
            WireNodes.CheckWireNameFree(graph, t, names);
        }
        var edit = Begin(graph, tensors, shapes);
        foreach (var t in tensors)
        {
            var outputs = graph.Proto.Output;
            var index = outputs.ToList().FindIndex(o => o.Name == t.Tensor);
            var declared = outputs[index];
            (string, string)? qparams = null;
            graph.Proto.Node.Add(WireNodes.Encode(graph, edit, t, t.Tensor, t.WireName, ref qparams));
            outputs[index] = WireNodes.WithType(t.WireName, WireNodes.ElemTypeOf(t.Encoding), declared.Type?.TensorType);
            // t is now internal (the encode reads it): it keeps its declared type as a value_info.
            if (!graph.IsRuntimeInput(t.Tensor) && declared.Type?.TensorType is not null) WireNodes.SetValueInfo(graph, declared.Clone());
        }
        graph.Refresh();
    }

    /// <summary>Receiver: each listed graph input t is replaced by t.WireName (float16 / int8, same shape) and decoded to t at the front (Cast to FLOAT / DequantizeLinear).</summary>
    public static void DecodeInputs(ModelGraph graph, IReadOnlyList<WireTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(graph);
        WireNodes.CheckArguments(tensors);
        if (tensors.Count == 0) return;
        var names = WireNodes.Names(graph);
        foreach (var t in tensors) CheckDecodableInput(graph, t, names);
        var edit = Begin(graph, tensors, Shapes(graph));
        var decodes = tensors.Select(t => DecodeInput(graph, edit, t)).ToList();
        Prepend(graph.Proto, decodes);
        graph.Refresh();
    }

    /// <summary>Receiver of tensors its nodes do not read (the last part, for model outputs produced upstream): adds input WireName, the decode, and graph output t, graph outputs ordered as <paramref name="outputOrder"/> lists them (others after, as they were).</summary>
    /// <remarks>
    /// A tensor already decoded in the graph (by <see cref="DecodeInputs"/>) only becomes a graph output; a float32
    /// runtime input is decoded as <see cref="DecodeInputs"/> does; otherwise a new input t.WireName is added, typed
    /// from the value_info the caller gives t in the graph (float32 with its shape; the entry is dropped once t is a
    /// graph output). A part model carries no type for a tensor it does not hold, and an input without a shape
    /// fails shape inference later, so a missing one is refused (ArgumentException) before any edit.
    /// </remarks>
    public static void DecodeToOutputs(ModelGraph graph, IReadOnlyList<WireTensor> tensors, IReadOnlyList<string> outputOrder)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(outputOrder);
        WireNodes.CheckArguments(tensors);
        var names = WireNodes.Names(graph);
        var toDecode = new List<(WireTensor T, bool IsInput)>();
        foreach (var t in tensors)
        {
            if (WireNodes.IsDecodeOf(graph.ProducerOf(t.Tensor), t)) continue;
            if (graph.ProducerOf(t.Tensor) is { } producer)
            {
                throw new ArgumentException($"tensor '{t.Tensor}' is produced in the part by node '{producer.Name}' ({producer.OpType}); only tensors it receives are decoded", nameof(tensors));
            }
            if (graph.IsInitializer(t.Tensor)) throw new ArgumentException($"tensor '{t.Tensor}' is a constant of the part, not a tensor it receives", nameof(tensors));
            if (graph.IsRuntimeInput(t.Tensor))
            {
                CheckDecodableInput(graph, t, names);
                toDecode.Add((t, true));
                continue;
            }
            var declared = WireNodes.Declared(graph, t.Tensor);
            if (declared?.Shape is null)
            {
                throw new ArgumentException($"tensor '{t.Tensor}' arrives from upstream but the graph declares no shape for it: add a value_info for '{t.Tensor}' (float32, its shape) first", nameof(tensors));
            }
            WireNodes.CheckFloat(graph, t, declared.ElemType);
            WireNodes.CheckWireNameFree(graph, t, names);
            toDecode.Add((t, false));
        }

        var edit = Begin(graph, toDecode.Select(d => d.T), Shapes(graph));
        var decodes = new List<NodeProto>();
        foreach (var (t, isInput) in toDecode)
        {
            if (isInput)
            {
                decodes.Add(DecodeInput(graph, edit, t));
                continue;
            }
            var like = WireNodes.Declared(graph, t.Tensor);
            graph.Proto.Input.Add(WireNodes.WithType(t.WireName, WireNodes.ElemTypeOf(t.Encoding), like));
            (string, string)? qparams = null;
            decodes.Add(WireNodes.Decode(graph, edit, t, t.WireName, t.Tensor, ref qparams));
        }
        Prepend(graph.Proto, decodes);
        foreach (var t in tensors.Where(t => !graph.IsGraphOutput(t.Tensor)))
        {
            graph.Proto.Output.Add(WireNodes.WithType(t.Tensor, ElementType.Float, WireNodes.Declared(graph, t.Tensor)));
            // A graph output needs no value_info entry of its own.
            if (graph.Proto.ValueInfo.FirstOrDefault(v => v.Name == t.Tensor) is { } info) graph.Proto.ValueInfo.Remove(info);
        }
        Order(graph.Proto.Output, outputOrder);
        graph.Refresh();
    }

    /// <summary>For measurement: each listed tensor (a node output or graph input, float32) goes through the wire and back in place: every reader and a graph output see the decoded value.</summary>
    /// <remarks>
    /// A node output t: its producer writes a fresh t_wire_raw, the encode and decode follow right after it, and the
    /// decode writes t, so every reader (subgraphs too) and a graph output t see the decoded value under the old name.
    /// A graph input keeps its name: the decode writes a fresh name that its readers then read. An input that is
    /// also a graph output, or one a subgraph reads, is refused (its name cannot both stay and change).
    /// </remarks>
    public static void RoundTrip(ModelGraph graph, IReadOnlyList<WireTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(graph);
        WireNodes.CheckArguments(tensors);
        if (tensors.Count == 0) return;
        var shapes = Shapes(graph);
        foreach (var t in tensors)
        {
            if (graph.IsInitializer(t.Tensor)) throw new ArgumentException($"tensor '{t.Tensor}' is a constant; only computed tensors and inputs cross a link", nameof(tensors));
            var isInput = graph.IsRuntimeInput(t.Tensor);
            if (!isInput && graph.ProducerOf(t.Tensor) is null) throw new ArgumentException($"tensor '{t.Tensor}' is neither a node output nor a graph input", nameof(tensors));
            if (isInput && graph.IsGraphOutput(t.Tensor)) throw new ArgumentException($"input '{t.Tensor}' is also a graph output: it cannot keep its name and be decoded", nameof(tensors));
            if (isInput && graph.ConsumersOf(t.Tensor).Any(c => c.Slot < 0)) throw new ArgumentException($"input '{t.Tensor}' is read inside a subgraph, which cannot be rewired to the decoded value", nameof(tensors));
            WireNodes.CheckFloat(graph, t, ElemType(WireNodes.Declared(graph, t.Tensor), t.Tensor, shapes));
        }

        var edit = Begin(graph, tensors, shapes);
        var top = new List<NodeProto>();
        var after = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        foreach (var t in tensors)
        {
            var type = WireNodes.Declared(graph, t.Tensor) ?? Inferred(t.Tensor, shapes);
            var wire = edit.Fresh(t.WireName);
            (string, string)? qparams = null;
            if (graph.ProducerOf(t.Tensor) is { } producer)
            {
                var raw = edit.Fresh(t.Tensor + "_wire_raw");
                var slot = producer.Proto.Output.IndexOf(t.Tensor);
                producer.Proto.Output[slot] = raw;
                after.TryAdd(producer.Proto, []);
                after[producer.Proto].Add(WireNodes.Encode(graph, edit, t, raw, wire, ref qparams));
                after[producer.Proto].Add(WireNodes.Decode(graph, edit, t, wire, t.Tensor, ref qparams));
                if (type is not null) WireNodes.SetValueInfo(graph, WireNodes.WithType(raw, ElementType.Float, type));
            }
            else
            {
                var decoded = edit.Fresh(t.Tensor + "_wire_decoded");
                foreach (var (reader, slot) in graph.ConsumersOf(t.Tensor)) reader.Proto.Input[slot] = decoded;
                top.Add(WireNodes.Encode(graph, edit, t, t.Tensor, wire, ref qparams));
                top.Add(WireNodes.Decode(graph, edit, t, wire, decoded, ref qparams));
                if (type is not null) WireNodes.SetValueInfo(graph, WireNodes.WithType(decoded, ElementType.Float, type));
            }
            if (type is not null) WireNodes.SetValueInfo(graph, WireNodes.WithType(wire, WireNodes.ElemTypeOf(t.Encoding), type));
        }
        Place(graph.Proto, top, after);
        graph.Refresh();
    }

    /// <summary>Pure: a receiver's tensor is a float32 runtime input and its wire name is free.</summary>
    private static void CheckDecodableInput(ModelGraph graph, WireTensor t, ISet<string> names)
    {
        var input = graph.Inputs.FirstOrDefault(i => i.Name == t.Tensor)
            ?? throw new ArgumentException($"tensor '{t.Tensor}' is not a runtime input of the graph; only a part's inputs are decoded from the wire", nameof(t));
        WireNodes.CheckFloat(graph, t, input.Type?.TensorType?.ElemType);
        WireNodes.CheckWireNameFree(graph, t, names);
    }

    /// <summary>Input t becomes t.WireName at the same position; the returned decode writes t. t keeps its declared type as a value_info.</summary>
    private static NodeProto DecodeInput(ModelGraph graph, GraphEdit edit, WireTensor t)
    {
        var inputs = graph.Proto.Input;
        var index = inputs.ToList().FindIndex(i => i.Name == t.Tensor);
        var declared = inputs[index];
        inputs[index] = WireNodes.WithType(t.WireName, WireNodes.ElemTypeOf(t.Encoding), declared.Type?.TensorType);
        if (!graph.IsGraphOutput(t.Tensor)) WireNodes.SetValueInfo(graph, declared.Clone());
        (string, string)? qparams = null;
        return WireNodes.Decode(graph, edit, t, t.WireName, t.Tensor, ref qparams);
    }

    /// <summary>Everything is checked: raises the opset where the encodings need it, then hands out fresh names.</summary>
    private static GraphEdit Begin(ModelGraph graph, IEnumerable<WireTensor> tensors, Lazy<ShapeInferenceResult> shapes)
    {
        var raise = WireNodes.PlanOpset(graph, tensors, () => shapes.Value);
        if (raise is not null)
        {
            OpsetRaise.Apply(graph, raise, shapes.Value, new GraphEdit(graph).Fresh);
            graph.Refresh();
        }
        return new GraphEdit(graph);
    }

    /// <summary>Shape inference, run only when a declaration lacks a type or the opset must be raised.</summary>
    private static Lazy<ShapeInferenceResult> Shapes(ModelGraph graph) => new(() => ShapeInference.Run(graph));

    private static int? ElemType(TypeProto.Types.Tensor? declared, string tensor, Lazy<ShapeInferenceResult> shapes) =>
        declared is { ElemType: not 0 } ? declared.ElemType : shapes.Value.TypeOf(tensor)?.ElemType;

    /// <summary>The inferred type of a tensor the graph does not declare, as a tensor type with the known dims.</summary>
    private static TypeProto.Types.Tensor? Inferred(string tensor, Lazy<ShapeInferenceResult> shapes)
    {
        if (shapes.Value.TypeOf(tensor) is not { Dims: { } dims } info) return null;
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(d >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension());
        return new TypeProto.Types.Tensor { ElemType = info.ElemType, Shape = shape };
    }

    /// <summary>Graph outputs in <paramref name="order"/>'s order; the ones it does not name follow, as they were.</summary>
    private static void Order(Google.Protobuf.Collections.RepeatedField<ValueInfoProto> outputs, IReadOnlyList<string> order)
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < order.Count; i++) rank.TryAdd(order[i], i);
        var sorted = outputs.Select((o, i) => (o, i)).OrderBy(p => rank.TryGetValue(p.o.Name, out var r) ? r : order.Count + p.i).Select(p => p.o).ToList();
        outputs.Clear();
        outputs.AddRange(sorted);
    }

    private static void Prepend(GraphProto graph, List<NodeProto> nodes)
    {
        for (var i = 0; i < nodes.Count; i++) graph.Node.Insert(i, nodes[i]);
    }

    /// <summary>Input round trips first, each node's right after it: the node list stays topological.</summary>
    private static void Place(GraphProto graph, List<NodeProto> top, Dictionary<NodeProto, List<NodeProto>> after)
    {
        var order = new List<NodeProto>(graph.Node.Count + top.Count + 2 * after.Count);
        order.AddRange(top);
        foreach (var node in graph.Node)
        {
            order.Add(node);
            if (after.TryGetValue(node, out var added)) order.AddRange(added);
        }
        graph.Node.Clear();
        graph.Node.AddRange(order);
    }
}
