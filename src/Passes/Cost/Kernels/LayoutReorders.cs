using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// Analysis <c>layout-reorders</c>: the layout conversions ONNX Runtime's CPU provider inserts when its NCHWc
/// transformer (graph optimization level 3, x64 only; block b = 8 with AVX2, 16 with AVX-512) runs convs in the
/// blocked layout, for a set of nodes run as a model of its own (a part, or the whole model). Its inputs and
/// outputs are plain NCHW, so a part pays a conversion at each edge where a blocked kernel meets it.
/// <para>Rules (after ONNX Runtime's nchwc_transformer): a 2-D Conv runs blocked when its output channels are a
/// multiple of b and its input channels are too (or, ungrouped, fewer than b: it then reads NCHW directly, as a
/// 3-channel stem does); depthwise and grouped convs need b | channels per group. A blocked conv with ≥ b input
/// channels reading a plain tensor costs a ReorderInput of it. Relu, Sigmoid, Tanh, LeakyRelu, Clip, HardSigmoid,
/// Add, Sum, Mul, Max/AveragePool, GlobalMax/AveragePool, BatchNormalization, Concat and Resize run blocked when
/// every tensor they read (initializers aside) is blocked; any other reader of a blocked tensor — a plain op, a
/// graph output, or a reader outside the set — costs one ReorderOutput of it.</para>
/// <para>Before (part = one stem conv 3→48): Conv(x) → y (output). After (what runs): NchwcConv(x) → y' (blocked),
/// ReorderOutput(y') → y. Each conversion is a memory-bound kernel reading and writing the tensor once:
/// bytes = 2·|tensor|, with no FLOPs. A conversion of a tensor the set computes runs right after the kernel that
/// wrote it and reads it from cache: its read is <see cref="Kernel.BytesFromCache"/>, so only its write moves through
/// memory; a conversion of one of the set's inputs reads it from memory.</para>
/// Evidence (ONNX Runtime 1.2x, one thread, this repository's RepVGG-A0 and ResNet-50 cut sweeps, profiled): a
/// part holding only the stem conv runs the conv then a ReorderOutput (0.29 ms of 0.74 ms for RepVGG-A0's 48×112×112;
/// 0.175 ms at ONNX Runtime 1.31, 27 GB/s, where a ReorderInput of the same tensor as the next part's input takes
/// 0.36 ms, 13 GB/s, the streaming rate of a probe's single-op models; 1.2 MB: 0.034 and 0.088 ms);
/// the part after it a plain Relu, then a ReorderInput (0.36–0.50 ms); a cut inside a ResNet stage turns the residual
/// Adds after it plain until the next downsample conv, with a ReorderOutput/ReorderInput pair around each.
/// </summary>
public static class LayoutReorders
{
    public const string Name = "layout-reorders";

    public const string ToBlocked = "ReorderInput";

    public const string ToPlain = "ReorderOutput";

    private static readonly HashSet<string> BlockedCapable = new(StringComparer.Ordinal)
    {
        "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Clip", "HardSigmoid", "Add", "Sum", "Mul",
        "MaxPool", "AveragePool", "GlobalMaxPool", "GlobalAveragePool", "BatchNormalization", "Concat", "Resize", "Upsample",
    };

    /// <summary>
    /// The conversions running <paramref name="nodes"/> (topological order) as a model of its own with NCHWc block
    /// <paramref name="block"/> (0: no conversion). Each is a <see cref="KernelKind.Other"/> kernel of op type
    /// <see cref="ToBlocked"/> or <see cref="ToPlain"/>, named for its tensor, whose one node is the node it is charged
    /// to: the reading conv for a ReorderInput, the tensor's producer for a ReorderOutput.
    /// </summary>
    public static IReadOnlyList<Kernel> Of(ModelGraph graph, ShapeInferenceResult shapes, IReadOnlyList<GraphNode> nodes, int block)
    {
        if (block <= 0) return [];
        var inside = nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var blocked = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        var reorders = new List<Kernel>();
        var converted = new HashSet<(string, string)>();
        void Add(string op, string tensor, GraphNode chargedTo)
        {
            if (converted.Add((op, tensor)))
            {
                reorders.Add(Reorder(shapes, reorders.Count, op, tensor, chargedTo.Name, graph.ProducerOf(tensor) is { } p && inside.Contains(p.Name)));
            }
        }
        foreach (var node in nodes)
        {
            var run = Decide(graph, shapes, node, block, blocked.ContainsKey);
            if (run == Run.BlockedConv && !blocked.ContainsKey(node.Input(0)!)) Add(ToBlocked, node.Input(0)!, node);
            if (run != Run.Plain) { blocked[node.Outputs[0]] = node; continue; }
            foreach (var t in Data(graph, node).Where(blocked.ContainsKey)) Add(ToPlain, t, blocked[t]);
        }
        foreach (var (tensor, producer) in blocked)
        {
            if (graph.IsGraphOutput(tensor) || graph.ConsumersOf(tensor).Any(c => !inside.Contains(c.Node.Name))) Add(ToPlain, tensor, producer);
        }
        return reorders;
    }

    /// <summary>How a node runs: plain NCHW; a blocked conv reading a blocked input; one reading NCHW directly; another op blocked.</summary>
    internal enum Run { Plain, BlockedConv, BlockedConvReadingPlain, BlockedOp }

    /// <summary>How ONNX Runtime runs <paramref name="node"/> when <paramref name="isBlocked"/> says which tensors are blocked.</summary>
    internal static Run Decide(ModelGraph graph, ShapeInferenceResult shapes, GraphNode node, int block, Func<string, bool> isBlocked)
    {
        if (node.Outputs.Count != 1) return Run.Plain;
        if (ConvBlock(graph, shapes, node, block) is { } readsPlain) return readsPlain ? Run.BlockedConvReadingPlain : Run.BlockedConv;
        if (node.Domain.Length != 0 || !BlockedCapable.Contains(node.OpType)) return Run.Plain;
        var data = Data(graph, node);
        return data.Count > 0 && data.All(isBlocked) ? Run.BlockedOp : Run.Plain;
    }

    /// <summary>The tensors a node reads that are not initializers or constants.</summary>
    internal static List<string> Data(ModelGraph graph, GraphNode node) =>
        node.Inputs.Where(i => i.Length > 0 && !graph.IsInitializer(i) && graph.ConstantOf(i) is null).ToList();

    /// <param name="computedInside">Whether the set computes <paramref name="tensor"/> (then read from cache), rather than receiving it as an input.</param>
    internal static Kernel Reorder(ShapeInferenceResult shapes, int index, string op, string tensor, string chargedTo, bool computedInside)
    {
        var bytes = shapes.TypeOf(tensor)?.Bytes ?? 0;
        return new Kernel(index, $"{op}({tensor})", KernelKind.Other, op, [chargedTo], 0, bytes, bytes) { BytesFromCache = computedInside ? bytes : 0 };
    }

    /// <summary>
    /// Whether ONNX Runtime runs <paramref name="conv"/> blocked: null when not, else whether it reads its input
    /// plain (an ungrouped conv with fewer than <paramref name="block"/> input channels).
    /// </summary>
    private static bool? ConvBlock(ModelGraph graph, ShapeInferenceResult shapes, GraphNode conv, int block)
    {
        if (conv.Domain.Length != 0 || conv.OpType != "Conv" || conv.Input(1) is not { } weight || !graph.IsInitializer(weight)) return null;
        if (shapes.TypeOf(weight) is not { IsFullyKnown: true, Rank: 4 } w || shapes.TypeOf(conv.Input(0)!) is not { ElemType: (int)Onnx.TensorProto.Types.DataType.Float }) return null;
        var groups = conv.Proto.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
        var outChannels = w.Dims![0];
        var inPerGroup = w.Dims[1];
        if (outChannels % block != 0) return null;
        if (groups == 1) return inPerGroup < block ? true : inPerGroup % block == 0 ? false : null;
        var depthwise = inPerGroup == 1 && groups == outChannels;
        if (depthwise) return false;
        return inPerGroup % block == 0 && (outChannels / groups) % block == 0 ? false : null;
    }
}
