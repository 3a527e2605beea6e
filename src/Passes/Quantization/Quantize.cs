using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;
using Change = OnnxCoDesign.Passes.Rewrite.Rewrite;

namespace OnnxCoDesign.Passes.Quantization;

/// <summary>
/// Pass <c>quantize</c>: explicit int8 quantization in QDQ form, as TensorRT (8.x to 11) builds it and ONNX
/// Runtime runs it, at the sites <see cref="QdqPlacement"/> picks.
/// <code>
/// Before:  y = Conv(x, W, b)                       z = Add(y, r)
/// After:   xq = QuantizeLinear(x, s_x, 0)           rq = QuantizeLinear(r, s_r, 0)
///          y  = Conv(DequantizeLinear(xq, s_x, 0),  z  = Add(y, DequantizeLinear(rq, s_r, 0))
///                    DequantizeLinear(Wq, s_W, 0, axis=0), b)
/// </code>
/// Math. Activations, symmetric per tensor: s = amax/127 from the calibrated range, q = saturate(round(x/s))
/// to [−128, 127], x̂ = q·s; zero point int8 0. Weights, symmetric per output channel c: s_c = max|W_c|/127,
/// Wq_c = clamp(round(W_c/s_c), −127, 127) stored as an int8 initializer, Ŵ_c = Wq_c·s_c (rounding half to
/// even, as QuantizeLinear does). Axis: Conv 0, ConvTranspose 1, Gemm 0 with transB=1 else 1, MatMul 1. Biases
/// stay float32 (TensorRT and ORT both fold them). A channel of zeros gets s_c = 1 (Wq_c = 0), a tensor with
/// amax 0 gets s = 1 (<see cref="ActivationRanges.ScaleOf"/>): zero stays exact and the scale stays positive.
/// Each quantized activation gets one Q/DQ pair right after its producer (or at the top, for a graph input);
/// only the readers the placement chose read the DequantizeLinear. Graph inputs and outputs keep their names.
/// Preconditions: a range for every placed activation (OCD1802, OCD1803); a model below opset 13 is raised
/// to 13 (<see cref="OpsetRaise"/>, OCD1801 when it cannot be). A model with nothing to quantize is left as it was.
/// With <c>nodes</c>, only the sites those nodes read are quantized (<see cref="QdqSiteFilter.Restrict"/>): one part
/// of a plan, or one unit of a sensitivity table, while the rest stays fp32.
/// </summary>
public sealed class Quantize(ActivationRanges ranges, IReadOnlySet<string>? nodes = null) : IGraphPass
{
    public const string Name = "quantize";

    string IGraphPass.Name => Name;

    public IReadOnlyList<string> TargetOps { get; } = [.. QdqPlacement.LinearOps, "Add"];

    public ActivationRanges Ranges { get; } = ranges;

    PassResult IGraphPass.Run(ModelGraph graph, PassContext context) => Run(graph, context);

    public QuantizeResult Run(ModelGraph graph, PassContext context)
    {
        var shapes = context.Analyses.Of(graph, context).Shapes;
        var sites = QdqPlacement.Of(graph, shapes).Restrict(nodes);
        if (sites.IsEmpty) return new QuantizeResult([], sites.LeftAlone, [], [], null);
        var scales = sites.Activations.ToDictionary(a => a.Tensor, a => ScaleFor(graph, a.Tensor), StringComparer.Ordinal);
        var raise = OpsetRaise.Plan(graph, shapes);

        // Everything is matched and checked; the edits start here.
        var edit = new GraphEdit(graph);
        if (raise is not null) OpsetRaise.Apply(graph, raise, shapes, edit.Fresh);
        var byName = graph.Nodes.ToDictionary(n => n.Name, n => n.Proto, StringComparer.Ordinal);
        var rewrites = new List<Change>();
        var top = new List<NodeProto>();
        var after = new Dictionary<string, NodeProto[]>(StringComparer.Ordinal);

        foreach (var w in sites.Weights.GroupBy(w => (w.Weight, w.Axis)))
        {
            var dq = QuantizeWeight(graph, edit, w.Key.Weight, w.Key.Axis, context.Weights);
            foreach (var site in w) byName[site.Node].Input[site.Slot] = dq.Output[0];
            top.Add(dq);
            rewrites.Add(new Change(w.First().Node, $"weight '{w.Key.Weight}' int8 per channel (axis {w.Key.Axis})"));
        }
        foreach (var a in sites.Activations)
        {
            var pair = QuantizeActivation(graph, edit, a.Tensor, scales[a.Tensor]);
            foreach (var r in a.Readers) byName[r.Node].Input[r.Slot] = pair[1].Output[0];
            if (graph.ProducerOf(a.Tensor) is not null) after[a.Tensor] = pair;
            else top.AddRange(pair);
            rewrites.Add(new Change(a.Tensor, $"int8 Q/DQ (scale {scales[a.Tensor]:R}) read by {string.Join(", ", a.Readers.Select(r => r.Node))}"));
        }
        Reorder(graph, top, after);
        edit.RemoveUnreferenced();
        graph.Refresh();
        return new QuantizeResult(rewrites, sites.LeftAlone, sites.ActivationTensors, sites.Weights.Select(w => w.Weight).Distinct().ToList(), raise?.From);
    }

    private float ScaleFor(ModelGraph graph, string tensor)
    {
        var amax = Ranges.Of(tensor) ?? throw new CodesignException(ErrorCodes.QuantizeRangeMissing,
            $"tensor '{tensor}' is quantized but has no calibrated range", graph.SourcePath);
        if (!double.IsFinite(amax) || amax < 0)
        {
            throw new CodesignException(ErrorCodes.QuantizeRangeInvalid, $"tensor '{tensor}' has calibrated range {amax}, which is not a finite amax ≥ 0", graph.SourcePath);
        }
        return ActivationRanges.ScaleOf(amax);
    }

    /// <summary>Each node's Q/DQ right after it, graph-input and weight ones first: the node list stays topological.</summary>
    private static void Reorder(ModelGraph graph, List<NodeProto> top, Dictionary<string, NodeProto[]> after)
    {
        var nodes = graph.Proto.Node;
        var order = new List<NodeProto>(nodes.Count + top.Count + 2 * after.Count);
        order.AddRange(top);
        foreach (var node in nodes)
        {
            order.Add(node);
            foreach (var o in node.Output)
            {
                if (after.TryGetValue(o, out var pair)) order.AddRange(pair);
            }
        }
        nodes.Clear();
        nodes.AddRange(order);
    }

    private static NodeProto[] QuantizeActivation(ModelGraph graph, GraphEdit edit, string tensor, float scale)
    {
        var scaleName = AddInitializer(graph, edit.Fresh(tensor + "_scale"), ElementType.Float, [], BitConverter.GetBytes(scale));
        var zeroName = AddInitializer(graph, edit.Fresh(tensor + "_zero_point"), ElementType.Int8, [], [0]);
        var q = GraphEdit.Node(edit.Fresh(tensor + "_QuantizeLinear"), "QuantizeLinear", [tensor, scaleName, zeroName], [edit.Fresh(tensor + "_quantized")]);
        var dq = GraphEdit.Node(edit.Fresh(tensor + "_DequantizeLinear"), "DequantizeLinear", [q.Output[0], scaleName, zeroName], [edit.Fresh(tensor + "_dequantized")]);
        return [q, dq];
    }

    private static NodeProto QuantizeWeight(ModelGraph graph, GraphEdit edit, string weight, int axis, ExternalDataStore store)
    {
        var tensor = graph.Initializers[weight];
        var dims = tensor.Dims.ToArray();
        var (values, scales) = WeightQuantization.PerChannel(TensorValues.Float32(tensor, store), dims, axis);
        var scaleBytes = new byte[scales.Length * 4];
        Buffer.BlockCopy(scales, 0, scaleBytes, 0, scaleBytes.Length);
        var valueBytes = new byte[values.Length];
        Buffer.BlockCopy(values, 0, valueBytes, 0, valueBytes.Length);
        var quantized = AddInitializer(graph, edit.Fresh(weight + "_quantized"), ElementType.Int8, dims, valueBytes);
        var scaleName = AddInitializer(graph, edit.Fresh(weight + "_scale"), ElementType.Float, [scales.Length], scaleBytes);
        var zeroName = AddInitializer(graph, edit.Fresh(weight + "_zero_point"), ElementType.Int8, [scales.Length], new byte[scales.Length]);
        return GraphEdit.Node(edit.Fresh(weight + "_DequantizeLinear"), "DequantizeLinear", [quantized, scaleName, zeroName],
            [edit.Fresh(weight + "_dequantized")], NodeAttributes.Int("axis", axis));
    }

    private static string AddInitializer(ModelGraph graph, string name, int elemType, long[] dims, byte[] bytes)
    {
        var tensor = new TensorProto { Name = name, DataType = elemType, RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
        tensor.Dims.AddRange(dims);
        graph.Proto.Initializer.Add(tensor);
        return name;
    }
}
