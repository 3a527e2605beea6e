using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// What a block became after fuse-branches: its nodes (named under the block's module path) by op type,
/// checked against what its strategy keeps, and its wiring: every conv and a kept identity BN read the
/// block's input, and the block's output keeps its name and its readers.
/// </summary>
internal sealed record BlockCensus(int Convs, int BatchNorms, int Adds)
{
    /// <summary>The blocks of the model before the pass, as the matcher sees them.</summary>
    public static IReadOnlyList<RepVggBlock> BlocksOf(ModelProto original) =>
        RepVggMatcher.FindAll(new ModelGraph(original)).Select(o => o.Block).OfType<RepVggBlock>().ToList();

    public static BlockCensus Of(ModelProto model, RepVggBlock block)
    {
        var nodes = NodesOf(model, block);
        return new BlockCensus(nodes.Count(n => n.OpType == "Conv"), nodes.Count(n => n.OpType == "BatchNormalization"), nodes.Count(n => n.OpType is "Add" or "Sum"));
    }

    /// <summary>What <paramref name="strategy"/> keeps of <paramref name="block"/>: the k×k, and the 1×1 and identity it names.</summary>
    public static BlockCensus Expected(RepVggBlock block, FusionStrategy strategy)
    {
        var oneByOne = block.OneByOne is not null && strategy.KeepsOneByOne();
        var identity = block.Identity is not null && strategy.KeepsIdentity();
        var convs = oneByOne ? 2 : 1;
        return new BlockCensus(convs, identity && block.Identity!.Bn is not null ? 1 : 0, convs + (identity ? 1 : 0) - 1);
    }

    /// <summary>Census and wiring of one rewritten block, against its strategy.</summary>
    public static void Check(ModelProto original, ModelProto model, RepVggBlock block, FusionStrategy strategy)
    {
        Assert.Equal(Expected(block, strategy), Of(model, block));
        var nodes = NodesOf(model, block);
        Assert.All(nodes.Where(n => n.OpType is "Conv" or "BatchNormalization"), n => Assert.Equal(block.Input, n.Input[0]));
        var producer = Assert.Single(model.Graph.Node, n => n.Output.Contains(block.Output));
        Assert.Contains(producer, nodes);
        var readers = original.Graph.Node.Where(n => n.Input.Contains(block.Output)).Select(n => n.Name);
        Assert.Equal(readers, model.Graph.Node.Where(n => n.Input.Contains(block.Output)).Select(n => n.Name));
        if (block.Identity is not null && strategy.KeepsIdentity())
        {
            Assert.Contains(nodes, n => n.OpType is "Add" && n.Input.Contains(block.Identity.Output));
        }
    }

    /// <summary>Census of every block, and no block node outside them: the model's Convs, BNs and Adds are all accounted for.</summary>
    public static void CheckAll(ModelProto original, ModelProto model, IReadOnlyList<RepVggBlock> blocks, Func<int, FusionStrategy> strategyOf)
    {
        for (var i = 0; i < blocks.Count; i++) Check(original, model, blocks[i], strategyOf(i));
        var expected = blocks.Select((b, i) => Expected(b, strategyOf(i))).ToList();
        Assert.Equal(expected.Sum(c => c.Convs), model.Graph.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal(expected.Sum(c => c.BatchNorms), model.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.Equal(expected.Sum(c => c.Adds), model.Graph.Node.Count(n => n.OpType is "Add" or "Sum"));
    }

    private static List<NodeProto> NodesOf(ModelProto model, RepVggBlock block) =>
        model.Graph.Node.Where(n => n.Name.StartsWith(block.Name + ".", StringComparison.Ordinal)).ToList();
}
