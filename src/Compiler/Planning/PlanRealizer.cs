using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// Turns a plan choice into part models: the BN-folded model gets each block fused by the strategy of the
/// part holding it, then each part's nodes (its units, with their blocks' rewritten nodes) are extracted
/// as a standalone model. Transfers list the tensors crossing each link, relayed ones included.
/// </summary>
public static class PlanRealizer
{
    public static RealizedPlan Realize(PlanningModel planning, StageCosts costs, PlanChoice choice)
    {
        var n = planning.Units.Count;
        var k = choice.Parts;
        var strategies = new StrategyPlan(FusionStrategy.S1);
        for (var j = 0; j < k; j++)
        {
            foreach (var b in Range(choice, j, n).SelectMany(u => planning.Units[u].Blocks))
            {
                strategies.Region(b, b, choice.Strategy(j));
            }
        }

        var (fused, fusion) = planning.Fuse(strategies);
        var (graph, shapes) = (fused.Graph, fused.Shapes);
        var cost = fused.Cost.Nodes.ToDictionary(c => c.Node, StringComparer.Ordinal);
        var symbolic = SymbolicInputs(planning.Base.Graph);

        var parts = new List<PlannedPart>();
        for (var j = 0; j < k; j++)
        {
            var units = Range(choice, j, n).Select(u => planning.Units[u]).ToList();
            var names = units.SelectMany(u => u.BaseNodes.Where(x => !planning.BlockNodes.Contains(x))
                .Concat(u.Blocks.SelectMany(b => fusion.Block(planning.BlockOutputs[b]).Nodes))).ToHashSet(StringComparer.Ordinal);
            var nodes = graph.Nodes.Where(x => names.Contains(x.Name)).ToList();
            var strategy = units.Any(u => u.HasBlocks) ? choice.Strategy(j) : (FusionStrategy?)null;
            var stage = costs.Stage(j, choice.Strategies[j], choice.First(j), choice.Last(j, n));
            var precision = costs.Problem.PrecisionOn(j);
            if (nodes.Count == 0)
            {
                parts.Add(new PlannedPart(j, costs.Problem.Devices[j], precision, null, null, [], [], 0, 0, 0, [], []));
                continue;
            }
            var part = PartExtractor.Extract(graph, shapes, nodes, $"part{j}");
            BindSymbolicDims(part, shapes);
            var initializers = part.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var inputs = part.Graph.Input.Where(i => !initializers.Contains(i.Name))
                .Select(i => TensorSpec.Of(i.Name, shapes, symbolic.Contains(i.Name))).ToList();
            var outputs = part.Graph.Output.Select(o => TensorSpec.Of(o.Name, shapes)).ToList();
            parts.Add(new PlannedPart(j, costs.Problem.Devices[j], precision, strategy, part, nodes.Select(x => x.Name).ToList(),
                units.SelectMany(u => u.Blocks).ToList(),
                nodes.Sum(x => (double)(cost[x.Name].Flops ?? 0)), nodes.Sum(x => (double)cost[x.Name].Bytes), stage, inputs, outputs));
        }
        return new RealizedPlan(parts, Transfers(planning, costs, choice, shapes), strategies, fusion) { Returns = Returns(planning, costs, choice, shapes) };
    }

    /// <summary>
    /// A part's declared shapes carry the values the plan was made for: symbolic dimensions of its inputs,
    /// outputs and value_info become the bound (or defaulted) sizes, so every shape in it agrees.
    /// </summary>
    private static void BindSymbolicDims(Onnx.ModelProto part, ShapeInferenceResult shapes)
    {
        foreach (var info in part.Graph.Input.Concat(part.Graph.Output).Concat(part.Graph.ValueInfo))
        {
            var declared = info.Type?.TensorType?.Shape;
            var dims = shapes.TypeOf(info.Name)?.Dims;
            if (declared is null || dims is null || declared.Dim.Count != dims.Length) continue;
            for (var d = 0; d < dims.Length; d++)
            {
                var dim = declared.Dim[d];
                if (dim.ValueCase != Onnx.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[d] > 0)
                {
                    dim.DimValue = dims[d];
                }
            }
        }
    }

    private static IEnumerable<int> Range(PlanChoice choice, int part, int units) =>
        Enumerable.Range(choice.First(part), Math.Max(0, choice.Last(part, units) - choice.First(part) + 1));

    private static List<PlannedTransfer> Transfers(PlanningModel planning, StageCosts costs, PlanChoice choice, ShapeInferenceResult shapes)
    {
        var devices = costs.Problem.Devices;
        var transfers = new List<PlannedTransfer>();
        for (var j = 0; j < choice.Parts - 1; j++)
        {
            var b = choice.Cuts[j];
            var names = b < 0 ? planning.Base.Graph.Inputs.Select(i => i.Name).ToList()
                : b >= planning.Units.Count - 1 ? planning.Base.Graph.Outputs.Select(o => o.Name).ToList()
                : planning.Cuts.Crossing(planning.Units[b].LastPosition).Select(t => t.Name).ToList();
            var wire = costs.WireChoices(j, b).Contains(choice.Wire(j)) ? choice.Wire(j) : WireFormat.Fp32;
            var bytes = costs.LinkBytes(j, b, wire);
            // Past the results device nothing goes on: the outputs stay where they are consumed.
            var tensors = bytes == 0 && b >= planning.Units.Count - 1 ? [] : names.Select(t => TensorSpec.Of(t, shapes)).ToList();
            transfers.Add(new PlannedTransfer(j, devices[j].Name, devices[j + 1].Name, tensors, bytes, costs.LinkArrival(j, b, wire))
            {
                SerializationSeconds = costs.LinkBusy(j, b, wire),
                LatencySeconds = costs.Problem.Link.DelaySeconds(bytes),
                Wire = wire,
                Boundary = b,
            });
        }
        return transfers;
    }

    /// <summary>
    /// The outputs' way back when the results device is upstream of the part holding the last unit: one
    /// transfer per link between, from that part's device towards the results device, on the downlink.
    /// </summary>
    private static List<PlannedTransfer> Returns(PlanningModel planning, StageCosts costs, PlanChoice choice, ShapeInferenceResult shapes)
    {
        var n = planning.Units.Count;
        var producer = Enumerable.Range(0, choice.Parts).First(j => j == choice.Parts - 1 || choice.Cuts[j] >= n - 1);
        var devices = costs.Problem.Devices;
        var bytes = costs.OutputBytes;
        var tensors = planning.Base.Graph.Outputs.Select(o => TensorSpec.Of(o.Name, shapes)).ToList();
        var link = costs.Problem.Link;
        var returns = new List<PlannedTransfer>();
        for (var j = producer - 1; j >= costs.Problem.Results; j--)
        {
            returns.Add(new PlannedTransfer(j, devices[j + 1].Name, devices[j].Name, tensors, bytes, link.ReturnSeconds(bytes))
            {
                Boundary = n - 1,
                SerializationSeconds = link.DownSerializationSeconds(bytes),
                LatencySeconds = link.DelaySeconds(bytes),
            });
        }
        return returns;
    }

    private static HashSet<string> SymbolicInputs(ModelGraph graph) => graph.Inputs
        .Where(i => i.Type?.TensorType?.Shape?.Dim.Any(d => d.ValueCase != Onnx.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue) ?? true)
        .Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
}
