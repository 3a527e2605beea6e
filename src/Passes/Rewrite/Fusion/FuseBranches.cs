using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>
/// One block as the pass saw it: its number in topological order, branches, strategy and result, and the
/// names of the nodes that make up the block afterwards (the rewritten ones, or the originals if left alone).
/// </summary>
public sealed record BlockReport(int Index, string Name, string Branches, FusionStrategy Strategy, string Result, int BranchesFused)
{
    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>The block's output tensor: its stable name, the same in every variant and every matcher run.</summary>
    public string Output { get; init; } = "";
}

public sealed record FusionResult(PassResult Pass, IReadOnlyList<BlockReport> Blocks)
{
    private readonly Dictionary<string, BlockReport> _byOutput = Blocks.ToDictionary(b => b.Output, StringComparer.Ordinal);

    /// <summary>The block whose output tensor is <paramref name="output"/>.</summary>
    public BlockReport Block(string output) => _byOutput[output];
}

/// <summary>fuse-branches' result as a pipeline returns it: the pass result, with the block reports.</summary>
public sealed record FusionPassResult(FusionResult Fusion) : PassResult(Fusion.Pass.Pass, Fusion.Pass.Rewrites, Fusion.Pass.LeftAlone);

/// <summary>
/// Pass <c>fuse-branches</c>: re-parameterizes RepVGG blocks by each block's strategy.
/// <code>
/// Before:  y = Add(Add(BN(Conv3x3(x)), BN(Conv1x1(x))), BN(x))        (or BN folded into the convs, or Sum)
/// After S1: y = Conv3x3'(x)
///       S2: y = Add(Conv3x3'(x), BN(x))           (1×1 fused, identity kept as it was)
///       S3: y = Add(Conv3x3'(x), Conv1x1'(x))     (identity fused, 1×1 kept with its BN folded)
///       S4: y = Add(Add(Conv3x3'(x), Conv1x1'(x)), BN(x))   (every branch kept, BN folded)
/// </code>
/// The math is in <see cref="BlockKernels"/>; every strategy computes the same function (exact in real
/// arithmetic). Blocks are numbered in topological order; <see cref="StrategyPlan"/> maps numbers to
/// strategies. A block failing a precondition stays as it was and is reported with the reason.
/// </summary>
public sealed class FuseBranches(StrategyPlan plan) : IGraphPass
{
    public const string Name = "fuse-branches";

    string IGraphPass.Name => Name;

    /// <summary>The plan this pass fuses by: its argument.</summary>
    public StrategyPlan Plan { get; } = plan;

    public IReadOnlyList<string> TargetOps { get; } = ["Add", "Sum", "Conv", "BatchNormalization"];

    PassResult IGraphPass.Run(ModelGraph graph, PassContext context) => new FusionPassResult(Run(graph, context, Plan));

    public static FusionResult Run(ModelGraph graph, PassContext context, StrategyPlan plan)
    {
        context.Trace.Count(PassTrace.MatchRepVgg);
        var outcomes = RepVggMatcher.FindAll(graph);
        var leftAlone = outcomes.Where(o => o.Block is null).Select(o => new LeftAlone(o.Root.Name, o.Reason!)).ToList();
        var planned = new List<(RepVggBlock Block, FusionStrategy Strategy, BlockKernels Kernels, int Report)>();
        var reports = new List<BlockReport>();
        var index = 0;
        foreach (var block in outcomes.Select(o => o.Block).OfType<RepVggBlock>())
        {
            var strategy = plan.For(index, block.Output);
            var (kernels, reason) = BlockKernels.Prepare(graph, block, context);
            if (kernels is null)
            {
                leftAlone.Add(new LeftAlone(block.Name, reason!));
                reports.Add(new BlockReport(index++, block.Name, block.BranchText, strategy, "left alone: " + reason, 0) { Nodes = block.Nodes.Select(n => n.Name).ToList(), Output = block.Output });
                continue;
            }
            planned.Add((block, strategy, kernels, reports.Count));
            var fused = strategy.BranchesFused(block.OneByOne is not null, block.Identity is not null);
            reports.Add(new BlockReport(index++, block.Name, block.BranchText, strategy, Describe(block, strategy), fused) { Output = block.Output });
        }

        // Every match is complete and every block checked before the first edit; each block's kernels are
        // computed just before its own edit, so only one block's weights are in flight at a time.
        var edit = new GraphEdit(graph, context.DeferredWeights);
        var rewrites = new List<Rewrite>();
        foreach (var (block, strategy, kernels, report) in planned)
        {
            reports[report] = reports[report] with { Nodes = BlockRewriter.Apply(edit, block, strategy, kernels, context.StructureOnly) };
            rewrites.Add(new Rewrite(block.Name, $"{strategy}: {Describe(block, strategy)}"));
        }
        if (rewrites.Count > 0)
        {
            edit.RemoveUnreferenced();
            graph.Refresh();
        }
        return new FusionResult(new PassResult(Name, rewrites, leftAlone), reports);
    }

    private static string Describe(RepVggBlock block, FusionStrategy strategy)
    {
        var kept = new List<string> { $"{block.Kernel}x{block.Kernel}" };
        if (block.OneByOne is not null && strategy.KeepsOneByOne()) kept.Add("1x1");
        if (block.Identity is not null && strategy.KeepsIdentity()) kept.Add(block.Identity.Bn is null ? "identity" : "identity-bn");
        return string.Join(" + ", kept);
    }
}
