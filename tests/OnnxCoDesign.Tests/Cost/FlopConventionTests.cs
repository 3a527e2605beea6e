using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Cost;

/// <summary>Each operator's FLOPs and bytes against DESIGN.md's formulas, computed by hand.</summary>
public sealed class FlopConventionTests
{
    private static float[] Zeros(long n) => new float[n];

    private static OnnxCoDesign.Passes.Cost.NodeCost Single(OnnxModelBuilder b, string output)
    {
        b.Output(output);
        var cost = Analysis.Of(b.Build()).Cost;
        return Assert.Single(cost.Nodes);
    }

    [Fact]
    public void ConvWithBiasCountsTwoFlopsPerMacPlusOnePerOutput()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 3, 8, 8)
            .Initializer("w", Zeros(4 * 3 * 9), 4, 3, 3, 3).Initializer("b", Zeros(4), 4);
        var y = b.Node("Conv", ["x", "w", "b"], Ints("pads", 1, 1, 1, 1));
        var n = Single(b, y);
        // out 1·4·8·8 = 256; MACs = 256 · Cin/group (3) · 3·3 = 6912; + 256 bias adds.
        Assert.Equal(6912, n.Macs);
        Assert.Equal(2 * 6912 + 256, n.Flops);
        Assert.Equal((192 + 108 + 4) * 4, n.BytesRead);
        Assert.Equal(256 * 4, n.BytesWritten);
        Assert.Equal((2.0 * 6912 + 256) / ((192 + 108 + 4 + 256) * 4), n.Intensity!.Value, 9);
    }

    [Fact]
    public void GroupedConvDividesInputChannelsByGroup()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 4, 6, 6).Initializer("w", Zeros(4 * 2 * 9), 4, 2, 3, 3);
        var y = b.Node("Conv", ["x", "w"], Int("group", 2), Ints("pads", 1, 1, 1, 1));
        Assert.Equal(2 * 144 * 2 * 9, Single(b, y).Flops);
    }

    [Fact]
    public void GemmCountsTwoMnkPlusBias()
    {
        var b = new OnnxModelBuilder().Input("a", ElementType.Float, 2, 5).Initializer("w", Zeros(50), 10, 5).Initializer("c", Zeros(10), 10);
        var y = b.Node("Gemm", ["a", "w", "c"], Int("transB", 1));
        var n = Single(b, y);
        Assert.Equal(2 * 2 * 10 * 5 + 2 * 10, n.Flops);
        Assert.Equal(100, n.Macs);
    }

    [Fact]
    public void BatchedMatMulCountsEveryBatch()
    {
        var b = new OnnxModelBuilder().Input("a", ElementType.Float, 3, 4, 5).Initializer("w", Zeros(30), 5, 6);
        Assert.Equal(2 * 3 * 4 * 6 * 5, Single(b, b.Node("MatMul", ["a", "w"])).Flops);
    }

    [Fact]
    public void PoolsCountKernelPerOutputAndGlobalPoolsOnePerInput()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 2, 8, 8);
        var m = b.Node("MaxPool", ["x"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1));
        var g = b.Node("GlobalAveragePool", ["x"]);
        b.Output(m).Output(g);
        var nodes = Analysis.Of(b.Build()).Cost.Nodes;
        Assert.Equal(2 * 4 * 4 * 9, nodes[0].Flops);
        Assert.Equal(2 * 8 * 8, nodes[1].Flops);
    }

    [Fact]
    public void BatchNormIsTwoPerElementAndActivationsOne()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 2, 4, 4);
        foreach (var p in new[] { "s", "bias", "m", "v" }) b.Initializer(p, [1f, 1f], 2);
        var bn = b.Node("BatchNormalization", ["x", "s", "bias", "m", "v"]);
        var r = b.Node("Relu", [bn]);
        b.Output(r);
        var nodes = Analysis.Of(b.Build()).Cost.Nodes;
        Assert.Equal(64, nodes[0].Flops);
        Assert.Equal(32, nodes[1].Flops);
    }

    [Fact]
    public void VariadicSumCountsOneAddPerExtraOperand()
    {
        var b = new OnnxModelBuilder().Input("a", ElementType.Float, 1, 2).Input("c", ElementType.Float, 1, 2).Input("d", ElementType.Float, 1, 2);
        Assert.Equal(2 * 2, Single(b, b.Node("Sum", ["a", "c", "d"])).Flops);
    }

    [Fact]
    public void DataMovementIsFreeButStillMovesBytes()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 2, 3, 4).Initializer("s", [6L, 4L], 2);
        var n = Single(b, b.Node("Reshape", ["x", "s"]));
        Assert.Equal(0, n.Flops);
        Assert.Equal(24 * 4 + 16, n.BytesRead);
        Assert.Equal(24 * 4, n.BytesWritten);
    }

    [Fact]
    public void UnknownOperatorCostIsUnknownNeverZero()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 4);
        b.NamedNode("mystery", "FancyOp", ["x"], ["y"]);
        b.Output("y", ElementType.Float, 1, 4);
        var cost = Analysis.Of(b.Build()).Cost;
        var n = Assert.Single(cost.Nodes);
        Assert.Null(n.Flops);
        Assert.Null(n.Intensity);
        Assert.True(cost.IsPartial);
        Assert.Equal("mystery", Assert.Single(cost.UnknownNodes).Node);
    }

    [Fact]
    public void PaperIntensityDividesByWeightsPlusEachOutputOnce()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 3, 8, 8).Initializer("w", Zeros(4 * 3 * 9), 4, 3, 3, 3);
        var c = b.Node("Conv", ["x", "w"], Ints("pads", 1, 1, 1, 1));
        var r = b.Node("Relu", [c]);
        b.Output(r);
        var cost = Analysis.Of(b.Build()).Cost;
        long flops = 2 * 256 * 27 + 256;
        Assert.Equal(flops, cost.Flops);
        Assert.Equal(108 * 4, cost.WeightBytes);
        Assert.Equal(2 * 256 * 4, cost.ActivationBytes);
        Assert.Equal((double)flops / (108 * 4 + 2 * 256 * 4), cost.PaperIntensity, 9);
        // Node traffic counts the conv output twice (written, then read by Relu).
        Assert.Equal((192 + 108 + 256) * 4 + (256 + 256) * 4, cost.Bytes);
    }
}
