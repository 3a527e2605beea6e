using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// The model as the planner sees it. BN is folded first (every strategy folds it); the folded model's
/// RepVGG blocks are atomic groups, so its candidate cuts split it into units; each unit is costed under
/// each strategy from a variant of the model with every block fused that way. Crossing bytes come from
/// the folded model (block outputs keep their names, so what crosses is the same in every variant).
/// </summary>
public sealed class PlanningModel
{
    private PlanningModel(LoadedModel source, ModelAnalysis baseAnalysis, IReadOnlyList<PlanningUnit> units, CutPoints cuts,
        HashSet<string> blockNodes, PassResult foldBn, int blocks)
    {
        Source = source;
        Base = baseAnalysis;
        Units = units;
        Cuts = cuts;
        BlockNodes = blockNodes;
        FoldBn = foldBn;
        BlockCount = blocks;
    }

    public LoadedModel Source { get; }

    /// <summary>The BN-folded model and its analysis.</summary>
    public ModelAnalysis Base { get; }

    public IReadOnlyList<PlanningUnit> Units { get; }

    public CutPoints Cuts { get; }

    /// <summary>Index 0..3: the folded model with every block fused by S1..S4.</summary>
    public IReadOnlyList<StrategyVariant> Variants { get; private set; } = [];

    public IReadOnlySet<string> BlockNodes { get; }

    public PassResult FoldBn { get; }

    public int BlockCount { get; }

    public static PlanningModel Build(LoadedModel source, string displayName, ShapeBindings bindings)
    {
        var model = source.Model.Clone();
        var graph = new ModelGraph(model, source.Path);
        var context = new PassContext(source.ExternalData);
        var foldBn = FoldBatchNorm.Run(graph, context);
        GraphVerifier.Verify(graph);
        var baseAnalysis = ModelAnalysis.Run(graph, source.ExternalData, displayName, bindings);

        var blocks = RepVggMatcher.FindAll(baseAnalysis.Graph).Select(o => o.Block).OfType<RepVggBlock>().ToList();
        var groups = blocks.Select(b => b.Nodes.Select(n => n.Name).ToList()).ToList();
        var blockNodes = groups.SelectMany(g => g).ToHashSet(StringComparer.Ordinal);
        var cuts = CutPoints.Of(baseAnalysis.Graph, baseAnalysis.Shapes, groups);
        var units = Segment(baseAnalysis.Graph, cuts, groups);

        var planning = new PlanningModel(source, baseAnalysis, units, cuts, blockNodes, foldBn, blocks.Count);
        // The variants are cost models: their fused weights are never run or saved, so none are computed.
        planning.Variants = Enum.GetValues<FusionStrategy>().Select(s =>
        {
            var (analysis, fusion) = planning.Fuse(new StrategyPlan(s), bindings, structureOnly: true);
            return new StrategyVariant(s, analysis.Graph, analysis.Shapes, analysis.Cost, fusion);
        }).ToList();
        return planning;
    }

    /// <summary>Nodes between consecutive candidate cuts form a unit; a unit holds the blocks whose nodes it has.</summary>
    private static List<PlanningUnit> Segment(ModelGraph graph, CutPoints cuts, List<List<string>> groups)
    {
        var blockOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var b = 0; b < groups.Count; b++) foreach (var n in groups[b]) blockOf[n] = b;
        var units = new List<PlanningUnit>();
        var current = new List<string>();
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            current.Add(graph.Nodes[i].Name);
            var last = i == graph.Nodes.Count - 1;
            if (!last && !cuts.IsCandidate(i)) continue;
            var inUnit = current.Where(blockOf.ContainsKey).Select(n => blockOf[n]).Distinct().Order().ToList();
            units.Add(new PlanningUnit(units.Count, current, inUnit, i));
            current = [];
        }
        return units;
    }

    /// <summary>
    /// A copy of the BN-folded model with its blocks fused by <paramref name="plan"/>, verified and analysed
    /// (shapes, costs). With <paramref name="structureOnly"/> the new weights are zeros: for costing only.
    /// </summary>
    public (ModelAnalysis Analysis, FusionResult Fusion) Fuse(StrategyPlan plan, ShapeBindings bindings, bool structureOnly = false)
    {
        // The copy keeps the folded model's node identities, so units (named in it) find their nodes here.
        var graph = Base.Graph.Copy();
        var context = new PassContext(Source.ExternalData) { StructureOnly = structureOnly };
        var fusion = FuseBranches.Run(graph, context, plan);
        return (ModelAnalysis.Run(graph, Source.ExternalData, Base.DisplayName, bindings), fusion);
    }

    /// <summary>The optimizer's view for a chain of devices.</summary>
    public PlanningProblem Problem(IReadOnlyList<DeviceProfile> devices, Precision precision, LinkProfile link,
        Objective objective, CostModelKind costModel, double lambda, double[] strategyAccuracyCost)
    {
        var n = Units.Count;
        var seconds = devices.Select(d => Variants.Select(v => Units.Select(u =>
            v.NodesOf(u, BlockNodes).Sum(node => RooflineTime.Seconds(v.CostOf(node), d, precision))).ToArray()).ToArray()).ToArray();
        var flops = Variants.Select(v => Units.Select(u => (double)v.NodesOf(u, BlockNodes).Sum(node => v.CostOf(node).Flops ?? 0)).ToArray()).ToArray();
        var paperBytes = Variants.Select(v => Units.Select(u => PaperBytes(v, u)).ToArray()).ToArray();
        var baseCost = Base.Cost.Nodes.ToDictionary(c => c.Node, StringComparer.Ordinal);
        var baseFlops = Units.Select(u => (double)u.BaseNodes.Sum(node => baseCost[node].Flops ?? 0)).ToArray();
        var boundary = new long[n + 1];
        var file = Source.Path;
        boundary[0] = CheckedArithmetic.Sum(Base.Graph.Inputs.Select(i => Base.Shapes.TypeOf(i.Name)?.Bytes ?? 0), "the bytes of the model's inputs", file);
        for (var u = 0; u < n - 1; u++) boundary[u + 1] = Cuts.CrossingBytes(Units[u].LastPosition) ?? 0;
        boundary[n] = CheckedArithmetic.Sum(Base.Graph.Outputs.Select(o => Base.Shapes.TypeOf(o.Name)?.Bytes ?? 0), "the bytes of the model's outputs", file);
        return new PlanningProblem
        {
            UnitNames = Units.Select(u => u.Name).ToList(),
            IsBlock = Units.Select(u => u.HasBlocks).ToArray(),
            UnitSeconds = seconds,
            UnitFlops = flops,
            UnitPaperBytes = paperBytes,
            BaseFlops = baseFlops,
            BoundaryBytes = boundary,
            Devices = devices,
            Precision = precision,
            Link = link,
            Objective = objective,
            CostModel = costModel,
            Lambda = lambda,
            StrategyAccuracyCost = strategyAccuracyCost,
        };
    }

    /// <summary>The seed's bytes of a unit: the weights its nodes read plus the outputs they write.</summary>
    private double PaperBytes(StrategyVariant v, PlanningUnit u)
    {
        double total = 0;
        foreach (var name in v.NodesOf(u, BlockNodes))
        {
            var node = v.Node(name);
            total += v.CostOf(name).BytesWritten;
            total += node.Inputs.Where(i => i.Length > 0 && v.Graph.IsInitializer(i)).Distinct().Sum(i => v.Shapes.TypeOf(i)?.Bytes ?? 0);
        }
        return total;
    }
}
