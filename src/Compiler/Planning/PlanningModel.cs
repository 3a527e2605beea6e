using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// The model as the planner sees it. BN is folded first (every strategy folds it); the folded model's
/// RepVGG blocks are atomic groups, so its candidate cuts split it into units; each unit is costed under
/// each strategy from a variant of the model with every block fused that way. Crossing bytes come from
/// the folded model (block outputs keep their names, so what crosses is the same in every variant).
/// Blocks are known by their output tensor (<see cref="BlockOutputs"/>), the same in every variant. Each
/// distinct variant (the strategy each block gets, and the weight mode) is fused once and kept.
/// </summary>
public sealed class PlanningModel
{
    private readonly Dictionary<(string Strategies, WeightMode Mode), (ModelGraph Graph, FusionResult Fusion)> _variants = new();

    private PlanningModel(LoadedModel source, PassContext context, ModelAnalysis baseAnalysis, IReadOnlyList<PlanningUnit> units, CutPoints cuts,
        HashSet<string> blockNodes, PassResult foldBn, IReadOnlyList<string> blockOutputs)
    {
        Source = source;
        Context = context;
        Base = baseAnalysis;
        Units = units;
        Cuts = cuts;
        BlockNodes = blockNodes;
        FoldBn = foldBn;
        BlockOutputs = blockOutputs;
    }

    /// <summary>The context every pass and analysis of this compile ran under: its diagnostics and trace.</summary>
    public PassContext Context { get; }

    public LoadedModel Source { get; }

    /// <summary>The BN-folded model and its analysis.</summary>
    public ModelAnalysis Base { get; }

    public IReadOnlyList<PlanningUnit> Units { get; }

    public CutPoints Cuts { get; }

    /// <summary>Index 0..3: the folded model with every block fused by S1..S4.</summary>
    public IReadOnlyList<StrategyVariant> Variants { get; private set; } = [];

    public IReadOnlySet<string> BlockNodes { get; }

    public PassResult FoldBn { get; }

    public int BlockCount => BlockOutputs.Count;

    /// <summary>Block b's output tensor: its stable name.</summary>
    public IReadOnlyList<string> BlockOutputs { get; }

    public static PlanningModel Build(LoadedModel source, string displayName, ShapeBindings bindings) =>
        Build(source, displayName, new PassContext(source.ExternalData) { Bindings = bindings });

    public static PlanningModel Build(LoadedModel source, string displayName, PassContext context)
    {
        Cli.MemoryTrace.Mark("build");
        var model = source.Model.Clone();
        var graph = new ModelGraph(model, source.Path);
        context.Trace.Count(PassTrace.VerifyGraph);
        GraphVerifier.Verify(graph);
        var foldBn = Pipelines.Prepare().Run(graph, context).Single(r => r.Pass == FoldBatchNorm.Name);
        Cli.MemoryTrace.Mark("folded");
        var baseAnalysis = ModelAnalysis.Of(graph, context, displayName);
        Cli.MemoryTrace.Mark("base analysis");

        context.Trace.Count(PassTrace.MatchRepVgg);
        var blocks = RepVggMatcher.FindAll(baseAnalysis.Graph).Select(o => o.Block).OfType<RepVggBlock>().ToList();
        var groups = blocks.Select(b => b.Nodes.Select(n => n.Name).ToList()).ToList();
        var blockNodes = groups.SelectMany(g => g).ToHashSet(StringComparer.Ordinal);
        var cuts = CutPoints.Of(baseAnalysis.Graph, baseAnalysis.Shapes, groups);
        var units = Segment(baseAnalysis.Graph, cuts, groups);

        var planning = new PlanningModel(source, context, baseAnalysis, units, cuts, blockNodes, foldBn, blocks.Select(b => b.Output).ToList());
        // The variants are cost models: their fused weights are never run or saved, so none are computed.
        planning.Variants = Enum.GetValues<FusionStrategy>().Select(s =>
        {
            var (analysis, fusion) = planning.Fuse(new StrategyPlan(s), WeightMode.StructureOnly);
            Cli.MemoryTrace.Mark($"variant {s}");
            return new StrategyVariant(s, analysis.Graph, analysis.Shapes, analysis.Cost, fusion, planning.BlockOutputs);
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
    /// A copy of the BN-folded model with its blocks fused by <paramref name="plan"/> (pipeline fuse-branches,
    /// verified), built once per distinct variant: plans giving every block the same strategy share it.
    /// With <see cref="WeightMode.StructureOnly"/> the new weights are zeros: for costing only.
    /// </summary>
    public (ModelGraph Graph, FusionResult Fusion) Variant(StrategyPlan plan, WeightMode mode = WeightMode.Computed)
    {
        // With no block, no weight is computed either way: one variant serves both modes.
        if (BlockCount == 0) mode = WeightMode.Computed;
        var key = (FusionStrategies.Names(BlockOutputs.Select((o, b) => plan.For(b, o))), mode);
        if (_variants.TryGetValue(key, out var built)) return built;
        // The copy keeps the folded model's node identities, so units (named in it) find their nodes here.
        var graph = Base.Graph.Copy();
        var results = Pipelines.FuseBranches(plan).Run(graph, Context.With(mode));
        built = (graph, results.OfType<FusionPassResult>().Single().Fusion);
        // The same graph version is analysed once: a variant no block changed is the folded model itself, and
        // the two weight modes of one variant have the same structure (only weight values differ).
        if (built.Fusion.Pass.Rewrites.Count == 0) Context.Analyses.Share(Base.Graph, graph);
        var other = (key.Item1, mode == WeightMode.Computed ? WeightMode.StructureOnly : WeightMode.Computed);
        if (_variants.TryGetValue(other, out var twin)) Context.Analyses.Share(twin.Graph, graph);
        _variants[key] = built;
        return built;
    }

    /// <summary>The variant for <paramref name="plan"/> and its analysis (shapes, costs), each computed once.</summary>
    public (ModelAnalysis Analysis, FusionResult Fusion) Fuse(StrategyPlan plan, WeightMode mode = WeightMode.Computed)
    {
        var (graph, fusion) = Variant(plan, mode);
        return (ModelAnalysis.Of(graph, Context, Base.DisplayName), fusion);
    }

    /// <summary>The optimizer's view for a chain of devices; <paramref name="precision"/> is the lowest allowed (see <see cref="PlanningProblem.PrecisionOn"/>).</summary>
    public PlanningProblem Problem(IReadOnlyList<DeviceProfile> devices, Precision precision, LinkProfile link,
        Objective objective, CostModelKind costModel, double lambda, double[] strategyAccuracyCost, double[][][]? unitAccuracyCost = null, int? resultsDevice = null,
        CostGranularity granularity = CostGranularity.Kernel)
    {
        var n = Units.Count;
        // Each device at its own precision: the lowest it runs at or above the one the plan allows.
        var kernelSeconds = granularity == CostGranularity.Kernel
            ? devices.Select(d => Variants.Select(v => KernelSecondsOf(v, d, d.EffectivePrecision(precision))).ToArray()).ToArray()
            : null;
        var seconds = kernelSeconds?.Select(d => d.Select(v => v.Units).ToArray()).ToArray()
            ?? devices.Select(d => Variants.Select(v => Units.Select(u =>
                v.NodesOf(u, BlockNodes).Sum(node => RooflineTime.Seconds(v.CostOf(node), d, d.EffectivePrecision(precision)))).ToArray()).ToArray()).ToArray();
        var flops = Variants.Select(v => Units.Select(u => (double)v.NodesOf(u, BlockNodes).Sum(node => v.CostOf(node).Flops ?? 0)).ToArray()).ToArray();
        var paperBytes = Variants.Select(v => Units.Select(u => PaperBytes(v, u)).ToArray()).ToArray();
        var baseCost = Base.Cost.Nodes.ToDictionary(c => c.Node, StringComparer.Ordinal);
        var baseFlops = Units.Select(u => (double)u.BaseNodes.Sum(node => baseCost[node].Flops ?? 0)).ToArray();
        var boundary = new long[n + 1];
        var file = Source.Path;
        boundary[0] = CheckedArithmetic.Sum(Base.Graph.Inputs.Select(i => Base.Shapes.TypeOf(i.Name)?.Bytes ?? 0), "the bytes of the model's inputs", file);
        for (var u = 0; u < n - 1; u++) boundary[u + 1] = Cuts.CrossingBytes(Units[u].LastPosition) ?? 0;
        boundary[n] = CheckedArithmetic.Sum(Base.Graph.Outputs.Select(o => Base.Shapes.TypeOf(o.Name)?.Bytes ?? 0), "the bytes of the model's outputs", file);
        var (wireBytes, earliest) = WireFacts(boundary);
        return new PlanningProblem
        {
            WireBytes = wireBytes,
            EarliestProducer = earliest,
            UnitNames = Units.Select(u => u.Name).ToList(),
            IsBlock = Units.Select(u => u.HasBlocks).ToArray(),
            UnitSeconds = seconds,
            SecondsBeforeCut = kernelSeconds?.Select(d => d.Select(v => v.BeforeCut).ToArray()).ToArray(),
            SecondsAfterCut = kernelSeconds?.Select(d => d.Select(v => v.AfterCut).ToArray()).ToArray(),
            UnitFlops = flops,
            UnitPaperBytes = paperBytes,
            BaseFlops = baseFlops,
            BoundaryBytes = boundary,
            Devices = devices,
            Precision = precision,
            Link = link,
            ResultsDevice = resultsDevice,
            Objective = objective,
            CostModel = costModel,
            Lambda = lambda,
            StrategyAccuracyCost = strategyAccuracyCost,
            UnitAccuracyCost = unitAccuracyCost,
        };
    }

    /// <summary>
    /// The float32 node outputs crossing each interior boundary, as they are: what a wire format converts. The
    /// model's inputs (they reach the first device as they are), non-float tensors and tensors of unknown size are not
    /// convertible. Their producers' units are those of the folded model, where the cuts are.
    /// </summary>
    public IReadOnlyList<CrossingTensor> Convertible(int boundary)
    {
        if (boundary < 0 || boundary >= Units.Count - 1) return [];
        return Cuts.Crossing(Units[boundary].LastPosition)
            .Where(t => t.Producer is not null && t.Type is { ElemType: (int)Onnx.TensorProto.Types.DataType.Float } && t.Bytes is not null)
            .ToList();
    }

    /// <summary>
    /// Bytes crossing each boundary per wire format ([format][boundary + 1]; only the convertible tensors change size)
    /// and, per boundary + 1, the earliest unit producing a convertible tensor that crosses it (int.MaxValue when none).
    /// </summary>
    private (long[][] Bytes, int[] Earliest) WireFacts(long[] boundary)
    {
        var n = Units.Count;
        var unitOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var u in Units) foreach (var node in u.BaseNodes) unitOf[node] = u.Index;
        var bytes = WireFormats.All.Select(_ => (long[])boundary.Clone()).ToArray();
        var earliest = Enumerable.Repeat(int.MaxValue, n + 1).ToArray();
        for (var b = 0; b < n - 1; b++)
        {
            // A boundary of unknown size is costed as 0 bytes whatever the format (the analysis warned of it).
            if (Cuts.CrossingBytes(Units[b].LastPosition) is null) continue;
            foreach (var t in Convertible(b))
            {
                var elements = t.Type!.Elements!.Value;
                foreach (var w in WireFormats.All) bytes[(int)w][b + 1] -= t.Bytes!.Value - elements * w.ElementBytes();
                earliest[b + 1] = Math.Min(earliest[b + 1], unitOf[t.Producer!]);
            }
        }
        return (bytes, earliest);
    }

    /// <summary>
    /// Kernel-level seconds of variant <paramref name="v"/> on a device, in the planner's additive form. Each kernel
    /// (the device's runtime's grouping, <see cref="KernelGrouping"/>) is charged whole to the unit of its first
    /// node. A cut between units a kernel spans splits it: each part runs its side of the kernel, grouped again
    /// together with the kernels on that side that share a tensor with it (a downsample conv may then take the
    /// residual Add the split kernel held). For interior boundary c, <c>BeforeCut[c + 1]</c> is what that regrouping
    /// changes on the side before the cut (its seconds less those charged there) and <c>AfterCut[c + 1]</c> the same
    /// after it; a part adds the first at the cut it ends at and the second at the cut it starts after. Exact for
    /// every part with one cut; a part between two cuts that both split kernels near each other (a part holding
    /// only a residual Add, say) is an approximation.
    /// </summary>
    // Variants no block changes share one graph (every variant of a model without blocks): costed once per device.
    private readonly Dictionary<(ModelGraph, DeviceProfile, Precision), (double[] Units, double[] BeforeCut, double[] AfterCut)> _kernelSeconds = new();

    private (double[] Units, double[] BeforeCut, double[] AfterCut) KernelSecondsOf(StrategyVariant v, DeviceProfile device, Precision precision)
    {
        lock (_kernelSeconds)
        {
            var key = (v.Graph, device, precision);
            if (!_kernelSeconds.TryGetValue(key, out var seconds)) _kernelSeconds[key] = seconds = KernelUnitSeconds(v, device, precision);
            return seconds;
        }
    }

    private (double[] Units, double[] BeforeCut, double[] AfterCut) KernelUnitSeconds(StrategyVariant v, DeviceProfile device, Precision precision)
    {
        var n = Units.Count;
        var units = new double[n];
        var before = new double[n + 1];
        var after = new double[n + 1];
        var unitOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var u in Units) foreach (var node in v.NodesOf(u, BlockNodes)) unitOf[node] = u.Index;
        var (grouping, report) = v.Grouping(KernelTime.RulesFor(device));
        var seconds = report.Kernels.Select(k => KernelTime.Seconds(k, device, precision)).ToArray();
        var first = report.Kernels.Select(k => k.Nodes.Min(node => unitOf[node])).ToArray();
        var last = report.Kernels.Select(k => k.Nodes.Max(node => unitOf[node])).ToArray();
        var spanning = new Dictionary<int, List<int>>();
        for (var k = 0; k < seconds.Length; k++)
        {
            if (report.Kernels[k].IsFree) continue;
            units[unitOf[report.Kernels[k].Nodes[0]]] += seconds[k];
            for (var c = first[k]; c < last[k]; c++) (spanning.TryGetValue(c, out var list) ? list : spanning[c] = []).Add(k);
        }
        foreach (var (c, split) in spanning)
        {
            before[c + 1] = Side(c, split, left: true);
            after[c + 1] = Side(c, split, left: false);
        }
        var block = KernelTime.RulesFor(device).NchwcBlock;
        if (block > 0) AddLayoutReorders(v, block, unitOf, k => KernelTime.Seconds(k, device, precision), units, before, after);
        return (units, before, after);

        // The regrouped side of boundary c less what the units on that side were charged for the same nodes.
        double Side(int c, List<int> split, bool left)
        {
            bool OnSide(string node) => left ? unitOf[node] <= c : unitOf[node] > c;
            var nodes = split.SelectMany(k => report.Kernels[k].Nodes).Where(OnSide).ToHashSet(StringComparer.Ordinal);
            var charged = split.Where(k => OnSide(report.Kernels[k].Nodes[0])).Sum(k => seconds[k]);
            // Kernels wholly on this side that share a tensor with the split kernels' nodes there join the regrouping.
            var neighbours = new HashSet<int>();
            foreach (var name in nodes.ToList())
            {
                var node = v.Node(name);
                var touching = node.Inputs.Where(t => t.Length > 0).Select(t => v.Graph.ProducerOf(t)).OfType<GraphNode>()
                    .Concat(node.Outputs.Where(t => t.Length > 0).SelectMany(t => v.Graph.ConsumersOf(t).Select(r => r.Node)));
                foreach (var other in touching)
                {
                    var k = report.Of(other.Name).Index;
                    if (!split.Contains(k) && (left ? last[k] <= c : first[k] > c) && neighbours.Add(k)) charged += seconds[k];
                }
            }
            foreach (var k in neighbours) nodes.UnionWith(report.Kernels[k].Nodes);
            var regrouped = grouping.Group(nodes.Select(v.Node).OrderBy(node => node.Order).ToList());
            return regrouped.Sum(k => KernelTime.Seconds(k, device, precision)) - charged;
        }
    }

    /// <summary>
    /// ONNX Runtime's layout reorders (<see cref="LayoutReorders"/>) in the planner's additive form
    /// (<see cref="LayoutCuts"/>): the whole model's, each charged to the unit of the node it belongs to; then for each
    /// interior boundary c, what the side before it run as a model of its own pays beyond that (<c>BeforeCut[c + 1]</c>:
    /// a ReorderOutput for each blocked tensor crossing c), and the same after it (<c>AfterCut[c + 1]</c>: ReorderInputs
    /// for the crossing tensors, and what the plain inputs change after them). Exact for a part with one cut, as the
    /// kernel corrections are.
    /// </summary>
    private static void AddLayoutReorders(StrategyVariant v, int block, Dictionary<string, int> unitOf, Func<Kernel, double> seconds,
        double[] units, double[] before, double[] after)
    {
        var cuts = new LayoutCuts(v.Graph, v.Shapes, block, node => unitOf[node]);
        foreach (var k in cuts.Whole) units[unitOf[k.Nodes[0]]] += seconds(k);
        for (var c = 0; c < units.Length - 1; c++)
        {
            before[c + 1] += cuts.Before(c).Sum(seconds);
            var (added, removed) = cuts.After(c);
            after[c + 1] += added.Sum(seconds) - removed.Sum(seconds);
        }
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
