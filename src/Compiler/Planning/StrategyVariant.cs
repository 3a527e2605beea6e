using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// The BN-folded model with every block fused by one strategy, analysed: the planner reads each unit's
/// cost under that strategy from here (the blocks' rewritten nodes, every other node as it was).
/// </summary>
public sealed record StrategyVariant(FusionStrategy Strategy, ModelGraph Graph, ShapeInferenceResult Shapes, CostReport Cost, FusionResult Fusion,
    IReadOnlyList<string> BlockOutputs)
{
    private readonly Dictionary<string, NodeCost> _costs = Cost.Nodes.ToDictionary(n => n.Node, StringComparer.Ordinal);
    private readonly Dictionary<string, GraphNode> _nodes = Graph.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);

    private readonly Dictionary<KernelRules, (KernelGrouping, KernelReport)> _kernels = new();

    public NodeCost CostOf(string node) => _costs[node];

    /// <summary>The variant's kernels under a runtime's rules, grouped once, and the grouping (to regroup pieces of them).</summary>
    public (KernelGrouping Grouping, KernelReport Report) Grouping(KernelRules rules)
    {
        lock (_kernels)
        {
            if (_kernels.TryGetValue(rules, out var found)) return found;
            var grouping = new KernelGrouping(Graph, Shapes, Cost, rules);
            return _kernels[rules] = (grouping, new KernelReport(rules, grouping.Group(Graph.Nodes)));
        }
    }

    public GraphNode Node(string name) => _nodes[name];

    /// <summary>Node names of a unit in this variant: its blocks' rewritten nodes in place of the originals.</summary>
    public IEnumerable<string> NodesOf(PlanningUnit unit, IReadOnlySet<string> blockNodes)
    {
        foreach (var name in unit.BaseNodes.Where(n => !blockNodes.Contains(n))) yield return name;
        foreach (var b in unit.Blocks)
        {
            foreach (var name in Fusion.Block(BlockOutputs[b]).Nodes) yield return name;
        }
    }
}
