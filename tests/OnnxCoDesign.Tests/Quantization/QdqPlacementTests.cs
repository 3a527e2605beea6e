using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Rewrite;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Quantization;

/// <summary>
/// Q/DQ placement after TensorRT's rules: the exact activation tensors (in topological order), who reads each
/// one's DequantizeLinear, and the weight sites with their per-channel axes.
/// </summary>
public sealed class QdqPlacementTests
{
    private static QdqSites Place(ModelProto model)
    {
        var graph = new ModelGraph(model);
        return QdqPlacement.Of(graph, ShapeInference.Run(graph));
    }

    private static string[] Readers(QdqSites sites, string tensor) =>
        sites.Activations.Single(a => a.Tensor == tensor).Readers.Select(r => $"{r.Node}:{r.Slot}").ToArray();

    [Fact]
    public void ConvBnReluChainAfterFoldingQuantizesEachConvInputAndNothingBetweenConvAndRelu()
    {
        var g = new HandGraph();
        var relu1 = g.Op("Relu", "relu1", g.Bn("bn1", g.Conv("conv1", HandGraph.X, 3)));
        var relu2 = g.Op("Relu", "relu2", g.Bn("bn2", g.Conv("conv2", relu1, 3)));
        var model = g.Build(relu2);
        Pipelines.Prepare().Run(new ModelGraph(model), PassContext.InMemory);

        var sites = Place(model);

        Assert.Equal([HandGraph.X, relu1], sites.ActivationTensors);
        Assert.Equal(["conv1:0"], Readers(sites, HandGraph.X));
        Assert.Equal(["conv2:0"], Readers(sites, relu1));
        Assert.Equal([("conv1", 0), ("conv2", 0)], sites.Weights.Select(w => (w.Node, w.Axis)));
        Assert.All(sites.Weights, w => Assert.EndsWith(".weight_bnfolded", w.Weight));
    }

    [Fact]
    public void RepVggIdentityBlockQuantizesTheInputOnceForConvAndAddAndLeavesTheConvOutputToFuse()
    {
        var g = new HandGraph();
        var conv = g.Conv("blk.conv", HandGraph.X, 3);
        var add = g.Op("Add", "blk.add", conv, HandGraph.X);
        var sites = Place(g.Build(g.Op("Relu", "blk.relu", add)));

        Assert.Equal([HandGraph.X], sites.ActivationTensors);
        Assert.Equal(["blk.conv:0", "blk.add:1"], Readers(sites, HandGraph.X));
        Assert.Equal(["blk.conv"], sites.Weights.Select(w => w.Node));
    }

    [Fact]
    public void ThreeBranchRepVggBlockLeavesOneConvOutputPerAddAndQuantizesTheRest()
    {
        var g = new HandGraph();
        var conv3 = g.Conv("blk.conv3", HandGraph.X, 3);
        var conv1 = g.Conv("blk.conv1", HandGraph.X, 1);
        var inner = g.Op("Add", "blk.add_convs", conv3, conv1);
        var outer = g.Op("Add", "blk.add_identity", inner, HandGraph.X);
        var sites = Place(g.Build(g.Op("Relu", "blk.relu", outer)));

        Assert.Equal([HandGraph.X, conv1, inner], sites.ActivationTensors);
        Assert.Equal(["blk.conv3:0", "blk.conv1:0", "blk.add_identity:1"], Readers(sites, HandGraph.X));
        Assert.Equal(["blk.add_convs:1"], Readers(sites, conv1));
        Assert.Equal(["blk.add_identity:0"], Readers(sites, inner));
        Assert.Equal(["blk.conv3", "blk.conv1"], sites.Weights.Select(w => w.Node));
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(8, true)]
    public void ResNetBottleneckQuantizesConvInputsAndTheShortcutButNotTheLastConvOutput(long inChannels, bool downsample)
    {
        var b = new OnnxModelBuilder("bottleneck");
        var l = new CnnLayers(b, new WeightGenerator(3));
        b.Input("x", ElementType.Float, 1L, inChannels, 8L, 8L);
        var y = ResNetBottleneck.Add(l, new FeatureMap("x", inChannels, 8, 8), 4, 1, BatchNormForm.Folded, "layer1.0");
        var model = b.Output(y.Name).Build();
        string Out(string node) => model.Graph.Node.Single(n => n.Name == node).Output[0];

        var sites = Place(model);

        string[] expected = downsample
            ? ["x", Out("layer1.0.relu1"), Out("layer1.0.relu2"), Out("layer1.0.downsample.0")]
            : ["x", Out("layer1.0.relu1"), Out("layer1.0.relu2")];
        Assert.Equal(expected, sites.ActivationTensors);
        Assert.DoesNotContain(Out("layer1.0.conv3"), sites.ActivationTensors);
        Assert.Equal(downsample ? ["layer1.0.conv1:0", "layer1.0.downsample.0:0"] : ["layer1.0.conv1:0", "layer1.0.add:1"], Readers(sites, "x"));
        Assert.Equal(downsample ? 4 : 3, sites.Weights.Count);
        Assert.All(sites.Weights, w => Assert.Equal(0, w.Axis));
    }

    [Fact]
    public void GemmAndMatMulHeadsTakeTheOutputChannelAxisOfTheirWeight()
    {
        var b = new OnnxModelBuilder("heads");
        var gen = new WeightGenerator(4);
        b.Input("x", ElementType.Float, 1L, 6L);
        b.Initializer("fc1.weight", gen.Uniform(30, -1, 1), 5, 6).Initializer("fc2.weight", gen.Uniform(20, -1, 1), 5, 4)
            .Initializer("mm.weight", gen.Uniform(12, -1, 1), 4, 3);
        var h1 = b.NamedNode("fc1", "Gemm", ["x", "fc1.weight"], ["h1"], Int("transB", 1))[0];
        var r = b.NamedNode("relu", "Relu", [h1], ["r"])[0];
        var h2 = b.NamedNode("fc2", "Gemm", [r, "fc2.weight"], ["h2"])[0];
        var y = b.NamedNode("mm", "MatMul", [h2, "mm.weight"], ["y"])[0];

        var sites = Place(b.Output(y).Build());

        Assert.Equal(["x", "r", "h2"], sites.ActivationTensors);
        Assert.Equal([("fc1", 0), ("fc2", 1), ("mm", 1)], sites.Weights.Select(w => (w.Node, w.Axis)));
    }

    [Fact]
    public void AddOfAConstantOrOfDifferentShapesIsNoResidualAdd()
    {
        var g = new HandGraph();
        g.Builder.Initializer("shift", new float[4 * 36], 1, 4, 6, 6).Initializer("channel", new float[4], 1, 4, 1, 1);
        var relu = g.Op("Relu", "relu", HandGraph.X);
        var constant = g.Op("Add", "add_const", relu, "shift");
        var pooled = g.Op("GlobalAveragePool", "gap", constant);
        var broadcast = g.Op("Add", "add_broadcast", constant, pooled);

        var sites = Place(g.Build(broadcast));

        Assert.True(sites.IsEmpty);
    }
}
