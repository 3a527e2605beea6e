using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// Analysis <c>group-kernels</c>: the kernels a runtime actually launches (DESIGN.md, "Devices, link and the
/// roofline cost model"). Greedy over the topological order; each node joins at most one kernel:
/// <list type="bullet">
/// <item>Free: Reshape, Flatten, Identity, Dropout, Squeeze, Unsqueeze, Shape, Size, Constant — one free kernel each.</item>
/// <item>Contraction: Conv/ConvTranspose/Gemm/MatMul, with a Pad before it whose only reader it is (folded into its
/// padding), then, along its output while that tensor has one reader and is no graph output: BatchNormalization
/// and Add/Sub/Mul/Div by a constant (before the activation), at most one residual Add of a same-shaped tensor
/// (before the activation), and one activation (Relu, Clip, LeakyRelu, Sigmoid, …, or SiLU: x·Sigmoid(x)).</item>
/// <item>Pointwise (where <see cref="KernelRules.FusesPointwiseChains"/>): a chain of elementwise ops, each the only
/// reader of the previous one's output (SiLU's two readers included); otherwise each elementwise op alone.</item>
/// <item>Other: every remaining node alone.</item>
/// </list>
/// A kernel's bytes are its external inputs, each read once, and the outputs read outside it; intermediates cost
/// nothing. <see cref="Group"/> groups any subset of the graph's nodes (a part, or a piece of a kernel a cut splits):
/// nodes outside it are producers and readers like the graph's inputs and outputs.
/// <para>Example (ResNet bottleneck tail). Before (nodes): Conv → BatchNormalization → Add(·, skip) → Relu.
/// After (kernels): [Conv, BatchNormalization, Add, Relu], reading the input, the weights, the BN constants and skip.</para>
/// </summary>
public sealed class KernelGrouping
{
    public const string Name = "group-kernels";

    private readonly ModelGraph _graph;
    private readonly ShapeInferenceResult _shapes;
    private readonly Dictionary<string, NodeCost> _costs;

    public KernelGrouping(ModelGraph graph, ShapeInferenceResult shapes, CostReport cost, KernelRules rules)
    {
        _graph = graph;
        _shapes = shapes;
        Rules = rules;
        _costs = cost.Nodes.ToDictionary(n => n.Node, StringComparer.Ordinal);
    }

    public KernelRules Rules { get; }

    /// <summary>The whole graph's kernels.</summary>
    public static KernelReport Run(ModelGraph graph, ShapeInferenceResult shapes, CostReport cost, KernelRules? rules = null)
    {
        var grouping = new KernelGrouping(graph, shapes, cost, rules ?? KernelRules.TensorRt);
        return new KernelReport(grouping.Rules, grouping.Group(graph.Nodes));
    }

    /// <summary>The kernels of <paramref name="nodes"/> (in topological order), as if they were a model of their own.</summary>
    public IReadOnlyList<Kernel> Group(IReadOnlyList<GraphNode> nodes)
    {
        var inside = nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var folded = FoldablePads(nodes, inside);
        var kernels = new List<Kernel>();
        foreach (var node in nodes)
        {
            if (taken.Contains(node.Name) || folded.ContainsKey(node.Name)) continue;
            var (kind, members) = Grow(node, inside, taken, folded);
            foreach (var m in members) taken.Add(m.Name);
            kernels.Add(Build(kernels.Count, node, kind, members, inside));
        }
        // A Pad whose conv is not in this subset after all cannot happen (FoldablePads checks it); any left is its own kernel.
        foreach (var pad in nodes.Where(n => folded.ContainsKey(n.Name) && !taken.Contains(n.Name)))
        {
            kernels.Add(Build(kernels.Count, pad, KernelKind.Other, [pad], inside));
        }
        return kernels;
    }

    private (KernelKind Kind, List<GraphNode> Members) Grow(GraphNode node, HashSet<string> inside, HashSet<string> taken,
        Dictionary<string, GraphNode> folded)
    {
        if (node.Domain.Length == 0 && FusionOps.Free.Contains(node.OpType)) return (KernelKind.Free, [node]);
        if (node.Domain.Length == 0 && FusionOps.Contractions.Contains(node.OpType))
        {
            var members = new List<GraphNode>();
            var pad = folded.Values.FirstOrDefault(p => ReaderOf(p.Outputs[0], inside)?.Name == node.Name);
            if (pad is not null) members.Add(pad);
            members.Add(node);
            Epilogue(node, members, inside, taken);
            return (KernelKind.Contraction, members);
        }
        if (node.Domain.Length == 0 && FusionOps.Pointwise.Contains(node.OpType))
        {
            var members = new List<GraphNode> { node };
            if (Rules.FusesPointwiseChains) Chain(node, members, inside, taken);
            return (KernelKind.Pointwise, members);
        }
        return (KernelKind.Other, [node]);
    }

    /// <summary>BN / constant affine ops, then one residual Add, then one activation, along a single-reader output.</summary>
    private void Epilogue(GraphNode anchor, List<GraphNode> members, HashSet<string> inside, HashSet<string> taken)
    {
        var current = anchor;
        var residual = false;
        while (SingleOutput(current) is { } tensor)
        {
            if (Silu(tensor, inside, taken) is { } silu) { members.AddRange(silu); return; }
            if (ReaderOf(tensor, inside) is not { } next || taken.Contains(next.Name) || next.Domain.Length != 0) return;
            if (next.OpType == "BatchNormalization" && next.Input(0) == tensor && !residual) { }
            else if (FusionOps.Affine.Contains(next.OpType) && !residual && OtherInputIsConstant(next, tensor)) { }
            else if (next.OpType is "Add" or "Sum" && !residual && next.Inputs.Count == 2 && SameShapes(next)) residual = true;
            else if (FusionOps.Activations.Contains(next.OpType) && next.Input(0) == tensor) { members.Add(next); return; }
            else return;
            members.Add(next);
            current = next;
        }
    }

    /// <summary>Elementwise readers, each the only reader of the previous output.</summary>
    private void Chain(GraphNode first, List<GraphNode> members, HashSet<string> inside, HashSet<string> taken)
    {
        var current = first;
        while (SingleOutput(current) is { } tensor)
        {
            if (Silu(tensor, inside, taken) is { } silu) { members.AddRange(silu); current = silu[^1]; continue; }
            if (ReaderOf(tensor, inside) is not { } next || taken.Contains(next.Name) || next.Domain.Length != 0
                || !FusionOps.Pointwise.Contains(next.OpType)) return;
            members.Add(next);
            current = next;
        }
    }

    /// <summary>x read by exactly Sigmoid(x) and Mul(x, Sigmoid(x)) (either order), the Sigmoid's output read only by that Mul.</summary>
    private List<GraphNode>? Silu(string x, HashSet<string> inside, HashSet<string> taken)
    {
        var readers = _graph.ConsumersOf(x).Select(c => c.Node).DistinctBy(n => n.Name).ToList();
        if (readers.Count != 2 || readers.Any(r => !inside.Contains(r.Name) || taken.Contains(r.Name) || r.Domain.Length != 0)) return null;
        var sigmoid = readers.FirstOrDefault(r => r.OpType == "Sigmoid" && r.Input(0) == x);
        var mul = readers.FirstOrDefault(r => r.OpType == "Mul");
        if (sigmoid is null || mul is null || mul.Inputs.Count != 2) return null;
        if (!(mul.Inputs.Contains(x) && mul.Inputs.Contains(sigmoid.Outputs[0]))) return null;
        if (ReaderOf(sigmoid.Outputs[0], inside)?.Name != mul.Name || _graph.IsGraphOutput(sigmoid.Outputs[0])) return null;
        return [sigmoid, mul];
    }

    /// <summary>Pads (constant mode, or no mode) whose output only a Conv in the subset reads, as its data input.</summary>
    private Dictionary<string, GraphNode> FoldablePads(IReadOnlyList<GraphNode> nodes, HashSet<string> inside)
    {
        var pads = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        foreach (var pad in nodes.Where(n => n.OpType == "Pad" && n.Domain.Length == 0))
        {
            var mode = pad.Proto.Attribute.FirstOrDefault(a => a.Name == "mode")?.S.ToStringUtf8() ?? "constant";
            if (mode != "constant" || SingleOutput(pad) is not { } tensor) continue;
            if (ReaderOf(tensor, inside) is { OpType: "Conv" } conv && conv.Input(0) == tensor && conv.Domain.Length == 0) pads[pad.Name] = pad;
        }
        return pads;
    }

    /// <summary>The node's one output, when no graph output and not read outside the subset's view: else null.</summary>
    private string? SingleOutput(GraphNode node)
    {
        var outputs = node.Outputs.Where(o => o.Length > 0).ToList();
        return outputs.Count == 1 && !_graph.IsGraphOutput(outputs[0]) ? outputs[0] : null;
    }

    /// <summary>The only node reading <paramref name="tensor"/>, when there is exactly one and it is in the subset.</summary>
    private GraphNode? ReaderOf(string tensor, HashSet<string> inside)
    {
        var readers = _graph.ConsumersOf(tensor).Select(c => c.Node).DistinctBy(n => n.Name).ToList();
        return readers.Count == 1 && inside.Contains(readers[0].Name) ? readers[0] : null;
    }

    private bool OtherInputIsConstant(GraphNode node, string tensor) =>
        node.Inputs.Count == 2 && node.Inputs.Count(i => i == tensor) == 1
        && node.Inputs.Where(i => i != tensor).All(i => _graph.IsInitializer(i) || _graph.ConstantOf(i) is not null);

    private bool SameShapes(GraphNode add)
    {
        var a = _shapes.TypeOf(add.Inputs[0])?.ShapeText;
        var b = _shapes.TypeOf(add.Inputs[1])?.ShapeText;
        return a is not null && a == b && !a.Contains('?');
    }

    private Kernel Build(int index, GraphNode anchor, KernelKind kind, IReadOnlyList<GraphNode> members, HashSet<string> inside)
    {
        var names = members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var produced = members.SelectMany(m => m.Outputs).Where(o => o.Length > 0).ToHashSet(StringComparer.Ordinal);
        long? flops = 0;
        foreach (var m in members) flops = flops is { } f && _costs[m.Name].Flops is { } g ? checked(f + g) : null;
        if (kind == KernelKind.Free) return new Kernel(index, anchor.Name, kind, anchor.OpType, Ordered(members), flops, 0, 0);
        long read = 0, written = 0;
        foreach (var input in members.Where(m => m.OpType != "Shape").SelectMany(m => m.Inputs)
                     .Where(i => i.Length > 0 && !produced.Contains(i)).Distinct(StringComparer.Ordinal))
        {
            read = checked(read + (_shapes.TypeOf(input)?.Bytes ?? 0));
        }
        foreach (var output in produced)
        {
            var readOutside = _graph.IsGraphOutput(output) || _graph.ConsumersOf(output).Any(c => !names.Contains(c.Node.Name));
            if (readOutside) written = checked(written + (_shapes.TypeOf(output)?.Bytes ?? 0));
        }
        return new Kernel(index, anchor.Name, kind, anchor.OpType, Ordered(members), flops, read, written)
        {
            Geometry = kind == KernelKind.Contraction && anchor.OpType == "Conv" ? Geometry(anchor) : null,
        };
    }

    /// <summary>The conv's GEMM shape from its output [N, Co, spatial…] and weight [Co, Ci/g, k…]; null when a shape is unknown.</summary>
    private ConvGeometry? Geometry(GraphNode conv)
    {
        if (_shapes.TypeOf(conv.Outputs[0]) is not { IsFullyKnown: true, Rank: >= 3 } y) return null;
        if (conv.Input(1) is not { } weight || _shapes.TypeOf(weight) is not { IsFullyKnown: true } w || w.Rank != y.Rank) return null;
        var groups = conv.Proto.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
        var (yd, wd) = (y.Dims!, w.Dims!);
        var pixels = yd[0] * yd.Skip(2).Aggregate(1L, (a, d) => a * d);
        var area = wd.Skip(2).Aggregate(1L, (a, d) => a * d);
        var strides = conv.Proto.Attribute.FirstOrDefault(a => a.Name == "strides")?.Ints;
        return new ConvGeometry(pixels, yd[1], wd[1] * area, area, groups) { Stride = strides is { Count: > 0 } ? strides.Max() : 1 };
    }

    private static IReadOnlyList<string> Ordered(IReadOnlyList<GraphNode> members) =>
        members.OrderBy(m => m.Order).Select(m => m.Name).ToList();
}
