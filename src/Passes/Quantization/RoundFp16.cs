using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;

namespace OnnxCoDesign.Passes.Quantization;

/// <summary>
/// Pass <c>round-fp16</c>: what an fp16 deployment computes, runnable in fp32 — for measuring accuracy only,
/// never emitted (TensorRT's --fp16 lowers an fp32 part itself; for a strongly typed TensorRT, ≥ 10.12, compile
/// emits the part through <see cref="Precision.CastToFp16"/> instead). At the sites int8 would quantize
/// (<see cref="QdqPlacement"/>), activations pass through fp16 storage and weights are stored in fp16:
/// <code>
/// Before:  y = Conv(x, W, b)
/// After:   x16 = Cast(x, to=FLOAT16);  x' = Cast(x16, to=FLOAT);  y = Conv(x', W', b)     W' = float(half(W))
/// </code>
/// Math: a value v becomes the nearest binary16 value (round to nearest even; beyond ±65504 it becomes ±∞, as
/// on the device); products are accumulated in fp32, as TensorRT's fp16 tactics with fp32 accumulation do.
/// Only the chosen readers read the rounded tensor; a weight shared with a reader outside the sites gets its
/// own rounded copy. With <c>nodes</c>, only sites read by those nodes (<see cref="QdqSiteFilter.Restrict"/>).
/// </summary>
public sealed class RoundFp16(IReadOnlySet<string>? nodes = null) : IGraphPass
{
    public const string Name = "round-fp16";

    string IGraphPass.Name => Name;

    public IReadOnlyList<string> TargetOps { get; } = QdqPlacement.LinearOps.Append("Add").ToList();

    public PassResult Run(ModelGraph graph, PassContext context)
    {
        var sites = QdqPlacement.Of(graph, context.Analyses.Of(graph, context).Shapes).Restrict(nodes);
        var rewrites = new List<Rewrite.Rewrite>();
        if (sites.IsEmpty) return new PassResult(Name, rewrites, sites.LeftAlone);
        var edit = new GraphEdit(graph);
        var byName = graph.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var added = new List<(GraphNode Before, NodeProto[] Nodes)>();
        foreach (var site in sites.Activations)
        {
            var half = edit.Fresh(site.Tensor + "_fp16");
            var back = edit.Fresh(site.Tensor + "_fp16_rounded");
            var toHalf = GraphEdit.Node(edit.Fresh(site.Tensor + "_to_fp16"), "Cast", [site.Tensor], [half], NodeAttributes.Int("to", ElementType.Float16));
            var toFloat = GraphEdit.Node(edit.Fresh(site.Tensor + "_from_fp16"), "Cast", [half], [back], NodeAttributes.Int("to", ElementType.Float));
            foreach (var r in site.Readers) byName[r.Node].Proto.Input[r.Slot] = back;
            added.Add((FirstReader(graph, site, byName), [toHalf, toFloat]));
            rewrites.Add(new Rewrite.Rewrite(site.Tensor, $"rounded through fp16 for {site.Readers.Count} reader(s)"));
        }
        foreach (var group in sites.Weights.GroupBy(w => w.Weight))
        {
            var tensor = graph.ConstantOf(group.Key) ?? throw new InvalidOperationException($"weight '{group.Key}' is not a constant");
            var values = TensorValues.AsFloat(tensor, context.Weights);
            for (var i = 0; i < values.Length; i++) values[i] = (float)(Half)values[i];
            var name = edit.AddInitializer(group.Key + "_fp16", values, tensor.Dims.ToArray());
            foreach (var w in group) byName[w.Node].Proto.Input[w.Slot] = name;
            rewrites.Add(new Rewrite.Rewrite(group.Key, "weights rounded to fp16"));
        }
        // Each Cast pair goes right before the first node reading it, which comes after the tensor's producer.
        foreach (var (before, nodes) in added) Insert(graph.Proto, before.Proto, nodes);
        edit.RemoveUnreferenced();
        graph.Refresh();
        return new PassResult(Name, rewrites, sites.LeftAlone);
    }

    private static GraphNode FirstReader(ModelGraph graph, ActivationSite site, Dictionary<string, GraphNode> byName)
    {
        var readers = site.Readers.Select(r => byName[r.Node]).ToHashSet();
        return graph.Nodes.First(readers.Contains);
    }

    private static void Insert(GraphProto graph, NodeProto before, NodeProto[] nodes)
    {
        var index = graph.Node.IndexOf(before);
        for (var i = 0; i < nodes.Length; i++) graph.Node.Insert(index + i, nodes[i]);
    }
}
