using OnnxCoDesign.Passes.Diagnostics;
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
            var cost = CostOf(node, shapes, graph.SourcePath);
            nodes.Add(cost);
            foreach (var o in node.Outputs.Where(o => o.Length > 0 && outputsSeen.Add(o)))
            {
                activationBytes = Add(activationBytes, shapes.TypeOf(o)?.Bytes ?? 0, "activation bytes", graph);
            }
        }

        long weightBytes = 0, parameters = 0;
        foreach (var init in graph.Initializers.Values)
        {
            // Shape inference typed (and bounded) every initializer; its type is this tensor's.
            var info = shapes.TypeOf(init.Name) ?? new TensorInfo(init.DataType, init.Dims.ToArray());
            weightBytes = Add(weightBytes, info.Bytes ?? 0, "weight bytes", graph);
            if (ElementType.IsFloat(init.DataType)) parameters = Add(parameters, info.Elements ?? 0, "parameters", graph);
        }

        var known = nodes.Where(n => n.IsKnown).ToList();
        var operators = nodes.GroupBy(n => n.OpType, StringComparer.Ordinal)
            .Select(g => new OperatorSummary(g.Key, g.Count(), Sum(g.Select(n => n.Flops ?? 0), $"{g.Key} FLOPs", graph),
                Sum(g.Select(n => n.Bytes), $"{g.Key} bytes", graph), g.Count(n => !n.IsKnown)))
            .OrderByDescending(s => s.Flops).ThenBy(s => s.OpType, StringComparer.Ordinal)
            .ToList();
        return new CostReport(
            nodes,
            Flops: Sum(known.Select(n => n.Flops!.Value), "FLOPs", graph),
            Macs: Sum(known.Select(n => n.Macs ?? 0), "MACs", graph),
            Bytes: Sum(nodes.Select(n => n.Bytes), "bytes", graph),
            WeightBytes: weightBytes,
            ActivationBytes: activationBytes,
            Parameters: parameters,
            UnknownNodes: nodes.Where(n => !n.IsKnown).ToList(),
            Operators: operators);
    }

    private static NodeCost CostOf(GraphNode node, ShapeInferenceResult shapes, string? file)
    {
        try
        {
            var counted = shapes.IsUnknown(node) ? null : FlopCounter.Count(node, shapes.TypeOf);
            long read = 0, written = 0;
            if (node.OpType != "Shape")
            {
                foreach (var input in node.Inputs.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
                {
                    read = checked(read + (shapes.TypeOf(input)?.Bytes ?? 0));
                }
            }
            var outputs = node.Outputs.Where(o => o.Length > 0).ToList();
            foreach (var o in outputs) written = checked(written + (shapes.TypeOf(o)?.Bytes ?? 0));
            var shapeTexts = outputs.Select(o => shapes.TypeOf(o)?.ShapeText ?? "?").ToList();
            // NodeCost.Bytes adds the two: checking the sum here keeps every later reader of it inside int64.
            _ = checked(read + written);
            return new NodeCost(node.Name, node.OpType, outputs, shapeTexts, counted?.Flops, counted?.Macs, read, written);
        }
        catch (OverflowException e)
        {
            throw new CodesignException(ErrorCodes.ArithmeticOverflow,
                $"node '{node.Name}' ({node.OpType}): its cost (FLOPs or bytes) passes the int64 range; its shapes or attributes are out of range", file, e);
        }
    }

    private static long Sum(IEnumerable<long> values, string what, ModelGraph graph) =>
        CheckedArithmetic.Sum(values, $"the model's total {what}", graph.SourcePath);

    private static long Add(long total, long value, string what, ModelGraph graph) =>
        CheckedArithmetic.Add(total, value, $"the model's total {what}", graph.SourcePath);
}
