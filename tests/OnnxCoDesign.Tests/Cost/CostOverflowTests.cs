using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Shapes;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Cost;

/// <summary>
/// FLOP counts and totals are checked: a node whose FLOPs pass int64, or a model whose total does, is OCD1307
/// (naming the node), while the same arithmetic just inside int64 gives the exact figure.
/// </summary>
public sealed class CostOverflowTests
{
    /// <summary>
    /// A MaxPool of one output element whose k×k window lies almost all in the begin padding: every tensor is
    /// 4 bytes, but the pool costs k² FLOPs (kernel size per output element).
    /// </summary>
    private static OpGraph HugeWindowPools(long k, int count)
    {
        var g = new OpGraph(13).Input("x", 1, 1, 1, 1);
        var input = "x";
        for (var i = 0; i < count; i++)
        {
            g.Node("MaxPool", [input], [$"p{i}"], Is("kernel_shape", k, k), Is("pads", k - 1, k - 1, 0, 0));
            input = $"p{i}";
        }
        return g;
    }

    private static CostReport Cost(OpGraph g)
    {
        var graph = new ModelGraph(g.Model);
        return AnnotateCost.Run(graph, ShapeInference.Run(graph));
    }

    [Fact]
    public void ANodeWhoseFlopsPassInt64IsAnOverflowNamingIt()
    {
        var e = Assert.Throws<CodesignException>(() => Cost(HugeWindowPools(1L << 32, 1)));
        Assert.Equal(ErrorCodes.ArithmeticOverflow, e.Code);
        Assert.StartsWith("node 'MaxPool_0' (MaxPool): ", e.Message);
    }

    [Fact]
    public void FlopsJustInsideInt64AreCountedExactly()
    {
        var cost = Cost(HugeWindowPools(1L << 31, 1));
        Assert.Equal(1L << 62, cost.Flops);
        Assert.Equal(1L << 62, Assert.Single(cost.Nodes).Flops);
    }

    [Fact]
    public void ATotalPastInt64IsAnOverflowThoughEveryNodeFits()
    {
        // Two nodes of 2^62 FLOPs each: 2^63 is one past long.MaxValue.
        var e = Assert.Throws<CodesignException>(() => Cost(HugeWindowPools(1L << 31, 2)));
        Assert.Equal(ErrorCodes.ArithmeticOverflow, e.Code);
        Assert.Contains("total", e.Message);
        Assert.Contains("FLOPs", e.Message);
    }
}
