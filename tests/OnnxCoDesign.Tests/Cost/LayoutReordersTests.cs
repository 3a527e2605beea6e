using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Shapes;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Cost;

/// <summary>
/// The layout reorders ONNX Runtime's NCHWc transformer inserts (<see cref="LayoutReorders"/>), block 16: a stem conv
/// with 3 input channels reads NCHW and pays only a ReorderOutput of its output; a 16-channel conv pays a ReorderInput
/// too; a residual Add with one plain input runs plain, so the blocked input is reordered out and the next conv reorders
/// back in; nothing where the output channels are not a multiple of the block, and nothing at all with block 0 (TensorRT,
/// Arm). Every reorder reads and writes its tensor once.
/// </summary>
public sealed class LayoutReordersTests
{
    private const long H = 8, W = 8;
    private const long Act16 = 16 * H * W * 4; // bytes of one 1x16x8x8 float tensor

    private static OpGraph Conv(OpGraph g, string input, string w, string output) =>
        g.Node("Conv", [input, w], [output], Is("kernel_shape", 3, 3), Is("pads", 1, 1, 1, 1));

    private static IReadOnlyList<Kernel> Reorders(OpGraph g, int block = 16)
    {
        var graph = new ModelGraph(g.WithGraphOutputs());
        return LayoutReorders.Of(graph, ShapeInference.Run(graph), graph.Nodes, block);
    }

    private static List<string> Names(IReadOnlyList<Kernel> reorders) => reorders.Select(k => k.Name).ToList();

    [Fact]
    public void AStemConvReadsPlainAndReordersOnlyItsOutput()
    {
        var g = new OpGraph(13).Input("x", 1, 3, H, W).Weight("w", 16, 3, 3, 3);
        Conv(g, "x", "w", "y").Outputs("y");
        var reorder = Assert.Single(Reorders(g));
        Assert.Equal(LayoutReorders.ToPlain, reorder.OpType);
        Assert.Equal("ReorderOutput(y)", reorder.Name);
        Assert.Equal(KernelKind.Other, reorder.Kind);
        Assert.Equal(Act16, reorder.BytesRead);
        Assert.Equal(Act16, reorder.BytesWritten);
        Assert.Equal(0, reorder.Flops);
    }

    [Fact]
    public void ABlockedConvReadingAPlainInputReordersItIn()
    {
        var g = new OpGraph(13).Input("x", 1, 16, H, W).Weight("w", 16, 16, 3, 3);
        Conv(g, "x", "w", "c").Node("Relu", ["c"], ["y"]).Outputs("y");
        // The Relu reads a blocked tensor: it runs blocked, and the graph output is reordered out once.
        Assert.Equal(["ReorderInput(x)", "ReorderOutput(y)"], Names(Reorders(g)));
    }

    [Fact]
    public void AResidualAddWithAPlainInputRunsPlainBetweenTwoReorders()
    {
        var g = new OpGraph(13).Input("x", 1, 16, H, W).Input("skip", 1, 16, H, W).Weight("w", 16, 16, 3, 3).Weight("w2", 16, 16, 3, 3);
        Conv(g, "x", "w", "c").Node("Add", ["c", "skip"], ["a"]);
        Conv(g, "a", "w2", "y").Outputs("y");
        Assert.Equal(["ReorderInput(x)", "ReorderOutput(c)", "ReorderInput(a)", "ReorderOutput(y)"], Names(Reorders(g)));
    }

    [Fact]
    public void ABlockedResidualAddNeedsNoReorder()
    {
        var g = new OpGraph(13).Input("x", 1, 16, H, W).Weight("w", 16, 16, 3, 3).Weight("w2", 16, 16, 3, 3);
        Conv(g, "x", "w", "c");
        Conv(g, "c", "w2", "d").Node("Add", ["d", "c"], ["y"]).Outputs("y");
        Assert.Equal(["ReorderInput(x)", "ReorderOutput(y)"], Names(Reorders(g)));
    }

    [Fact]
    public void DontReorderAConvWhoseOutputChannelsAreNotAMultipleOfTheBlock()
    {
        var g = new OpGraph(13).Input("x", 1, 16, H, W).Weight("w", 12, 16, 3, 3);
        Conv(g, "x", "w", "y").Outputs("y");
        Assert.Empty(Reorders(g));
        Assert.Equal(["ReorderInput(x)", "ReorderOutput(y)"], Names(Reorders(g, block: 4)));
    }

    [Fact]
    public void DontReorderWithoutAnNchwcBlock()
    {
        var g = new OpGraph(13).Input("x", 1, 16, H, W).Weight("w", 16, 16, 3, 3);
        Conv(g, "x", "w", "y").Outputs("y");
        Assert.Empty(Reorders(g, block: 0));
        Assert.Equal(0, KernelRules.TensorRt.NchwcBlock);
        Assert.Same(KernelRules.OnnxRuntimeCpu, KernelRules.OnnxRuntimeCpuNchwc(0));
        Assert.Equal(16, KernelRules.OnnxRuntimeCpuNchwc(16).NchwcBlock);
    }

    [Fact]
    public void ASubsetReordersWhatCrossesItsEdges()
    {
        var g = new OpGraph(13).Input("x", 1, 16, H, W).Weight("w", 16, 16, 3, 3).Weight("w2", 16, 16, 3, 3);
        Conv(g, "x", "w", "c");
        Conv(g, "c", "w2", "y").Outputs("y");
        var graph = new ModelGraph(g.WithGraphOutputs());
        var shapes = ShapeInference.Run(graph);
        // Whole: in once, out once. The first conv alone: c leaves it. The second alone: c enters it plain.
        Assert.Equal(["ReorderInput(x)", "ReorderOutput(y)"], Names(LayoutReorders.Of(graph, shapes, graph.Nodes, 16)));
        Assert.Equal(["ReorderInput(x)", "ReorderOutput(c)"], Names(LayoutReorders.Of(graph, shapes, [graph.Nodes[0]], 16)));
        Assert.Equal(["ReorderInput(c)", "ReorderOutput(y)"], Names(LayoutReorders.Of(graph, shapes, [graph.Nodes[1]], 16)));
        // Each is charged to a node of the subset: the reading conv in, the producer out.
        Assert.Equal([graph.Nodes[1].Name], LayoutReorders.Of(graph, shapes, [graph.Nodes[1]], 16)[0].Nodes);
    }

    [Fact]
    public void AReorderOfATensorTheSetComputesReadsItFromCacheAndOneOfItsInputsFromMemory()
    {
        var g = new OpGraph(13).Input("x", 1, 16, H, W).Input("skip", 1, 16, H, W).Weight("w", 16, 16, 3, 3).Weight("w2", 16, 16, 3, 3);
        Conv(g, "x", "w", "c").Node("Add", ["c", "skip"], ["a"]);
        Conv(g, "a", "w2", "y").Outputs("y");
        var graph = new ModelGraph(g.WithGraphOutputs());
        var shapes = ShapeInference.Run(graph);
        // Whole: x is the model's input (memory); c, a and y are computed by the kernel just before their reorder (cache).
        var whole = LayoutReorders.Of(graph, shapes, graph.Nodes, 16);
        Assert.Equal(["ReorderInput(x)", "ReorderOutput(c)", "ReorderInput(a)", "ReorderOutput(y)"], Names(whole));
        Assert.Equal([0, Act16, Act16, Act16], whole.Select(k => k.BytesFromCache));
        Assert.Equal([2 * Act16, Act16, Act16, Act16], whole.Select(k => k.MemoryBytes));
        Assert.All(whole, k => Assert.Equal(2 * Act16, k.Bytes)); // the traffic stays the tensor read and written
        // The second conv alone: a arrives as its input, read from memory.
        var second = LayoutReorders.Of(graph, shapes, [graph.Nodes[2]], 16);
        Assert.Equal(["ReorderInput(a)", "ReorderOutput(y)"], Names(second));
        Assert.Equal([0, Act16], second.Select(k => k.BytesFromCache));
    }
}
