using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Cost;

/// <summary>
/// Analysis <c>annotate-cost</c>: FLOPs (see <see cref="FlopCounter"/>) and bytes per node, and the
/// model totals. Node bytes are execution traffic: every distinct input tensor read once (activations
/// and initializers) plus every output written once, at the element type's size. Shape reads only its
/// input's metadata, so its input counts no bytes.
/// </summary>
public static class AnnotateCost
{
    public const string Name = "annotate-cost";

    public static CostReport Run(ModelGraph graph, ShapeInferenceResult shapes)
    {
        var nodes = new List<NodeCost>(graph.Nodes.Count);
        var outputsSeen = new HashSet<string>(StringComparer.Ordinal);
        long activationBytes = 0;
        foreach (var node in graph.Nodes)
        {
            var cost = CostOf(node, shapes);
            nodes.Add(cost);
            foreach (var o in node.Outputs.Where(o => o.Length > 0 && outputsSeen.Add(o)))
            {
                activationBytes += shapes.TypeOf(o)?.Bytes ?? 0;
            }
        }

        long weightBytes = 0, parameters = 0;
        foreach (var init in graph.Initializers.Values)
        {
            var info = new TensorInfo(init.DataType, init.Dims.ToArray());
            weightBytes += info.Bytes ?? 0;
            if (ElementType.IsFloat(init.DataType)) parameters += info.Elements ?? 0;
        }

        var known = nodes.Where(n => n.IsKnown).ToList();
        var operators = nodes.GroupBy(n => n.OpType, StringComparer.Ordinal)
            .Select(g => new OperatorSummary(g.Key, g.Count(), g.Sum(n => n.Flops ?? 0), g.Sum(n => n.Bytes), g.Count(n => !n.IsKnown)))
            .OrderByDescending(s => s.Flops).ThenBy(s => s.OpType, StringComparer.Ordinal)
            .ToList();
        return new CostReport(
            nodes,
            Flops: known.Sum(n => n.Flops!.Value),
            Macs: known.Sum(n => n.Macs ?? 0),
            Bytes: nodes.Sum(n => n.Bytes),
            WeightBytes: weightBytes,
            ActivationBytes: activationBytes,
            Parameters: parameters,
            UnknownNodes: nodes.Where(n => !n.IsKnown).ToList(),
            Operators: operators);
    }

    private static NodeCost CostOf(GraphNode node, ShapeInferenceResult shapes)
    {
        var counted = shapes.IsUnknown(node) ? null : FlopCounter.Count(node, shapes.TypeOf);
        long read = 0, written = 0;
        if (node.OpType != "Shape")
        {
            foreach (var input in node.Inputs.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
            {
                read += shapes.TypeOf(input)?.Bytes ?? 0;
            }
        }
        var outputs = node.Outputs.Where(o => o.Length > 0).ToList();
        foreach (var o in outputs) written += shapes.TypeOf(o)?.Bytes ?? 0;
        var shapeTexts = outputs.Select(o => shapes.TypeOf(o)?.ShapeText ?? "?").ToList();
        return new NodeCost(node.Name, node.OpType, outputs, shapeTexts, counted?.Flops, counted?.Macs, read, written);
    }
}
