using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Quantization;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Quantization;

public sealed class RoundFp16Tests
{
    private static ModelGraph Rounded(ModelProto model, IReadOnlySet<string>? nodes = null)
    {
        var graph = new ModelGraph(model.Clone());
        Pipelines.RoundFp16(nodes).Run(graph, PassContext.InMemory);
        return graph;
    }

    [Fact]
    public void AConvComputesWhatFp16StorageOfItsInputAndWeightsGivesWithFp32Accumulation()
    {
        var model = QuantizeModels.SingleConv(out var weight, out var bias);
        var x = new WeightGenerator(11).Uniform(2 * 3 * 6 * 6, -3, 3);
        var actual = QuantizeModels.Run(Rounded(model).Model, x, 2, 3, 6, 6);

        // Reference in double from the fp16-rounded input and weight; the bias stays fp32.
        float Half16(float v) => (float)(Half)v;
        var xh = x.Select(Half16).ToArray();
        var wh = weight.Select(Half16).ToArray();
        var expected = new float[2 * 4 * 6 * 6];
        for (var n = 0; n < 2; n++)
        for (var o = 0; o < 4; o++)
        for (var i = 0; i < 6; i++)
        for (var j = 0; j < 6; j++)
        {
            double sum = bias[o];
            for (var c = 0; c < 3; c++)
            for (var ki = 0; ki < 3; ki++)
            for (var kj = 0; kj < 3; kj++)
            {
                var (ii, jj) = (i + ki - 1, j + kj - 1);
                if (ii is < 0 or >= 6 || jj is < 0 or >= 6) continue;
                sum += (double)xh[((n * 3 + c) * 6 + ii) * 6 + jj] * wh[((o * 3 + c) * 3 + ki) * 3 + kj];
            }
            expected[((n * 4 + o) * 6 + i) * 6 + j] = (float)sum;
        }
        Assert.True(QuantizeModels.RelativeL2(expected, actual) < 1e-6, $"relative L2 {QuantizeModels.RelativeL2(expected, actual)}");
        // And it is not the fp32 model: the rounding is real.
        Assert.True(QuantizeModels.RelativeL2(QuantizeModels.Run(model, x, 2, 3, 6, 6), actual) > 1e-5);
    }

    [Fact]
    public void OnlyTheChosenReadersReadTheRoundedTensorAndGraphNamesStay()
    {
        var graph = Rounded(QuantizeModels.ConvResidualGemm());
        var casts = graph.Nodes.Where(n => n.OpType == "Cast").ToList();
        Assert.Equal(casts.Count, 2 * graph.Nodes.Count(n => n.OpType == "Cast" && n.Proto.GetInt("to", 0) == ElementType.Float16));
        // The side Relu reads x itself (fp32); conv1 reads x through the Cast pair.
        Assert.Equal("x", graph.Nodes.Single(n => n.Name == "side").Inputs[0]);
        var conv1 = graph.Nodes.Single(n => n.Name == "conv1");
        Assert.Equal("Cast", graph.ProducerOf(conv1.Inputs[0])!.OpType);
        Assert.Equal(["x"], graph.Inputs.Select(i => i.Name));
        GraphVerifier.Verify(graph);
    }

    [Fact]
    public void WithNodesOnlyTheirSitesAreRoundedAndTheRestIsLeftExactlyAsItWas()
    {
        var model = QuantizeModels.ConvResidualGemm();
        var graph = Rounded(model, new HashSet<string>(["conv2"]));
        var conv1 = graph.Nodes.Single(n => n.Name == "conv1");
        var conv2 = graph.Nodes.Single(n => n.Name == "conv2");
        Assert.Equal(model.Graph.Node.Single(n => n.Name == "conv1").Input, conv1.Proto.Input);
        Assert.Equal("Cast", graph.ProducerOf(conv2.Inputs[0])!.OpType);
        Assert.EndsWith("_fp16", conv2.Inputs[1]);
        Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Cast"));
    }

    [Fact]
    public void AModelWithNothingToRoundIsLeftUnchanged()
    {
        var b = new OnnxModelBuilder("relu-only");
        b.Input("x", ElementType.Float, "N", 4L);
        b.Output(b.NamedNode("relu", "Relu", ["x"], ["y"])[0]);
        var model = b.Build();
        Assert.Equal(model, Rounded(model).Model);
    }
}
