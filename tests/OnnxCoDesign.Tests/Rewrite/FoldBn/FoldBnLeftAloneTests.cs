using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>The Conv→BN pairs fold-bn must not touch: the graph stays byte for byte, with the reason reported.</summary>
public sealed class FoldBnLeftAloneTests
{
    [Fact]
    public void DoesNotFoldBnWhenConvOutputHasAnotherConsumer()
    {
        var g = new HandGraph();
        var c = g.Conv("conv", HandGraph.X, 3);
        var original = g.Build(g.Bn("bn", c), g.Op("Relu", "relu", c));
        var (model, result) = RewriteRun.FoldBn(original);
        LeftAloneBecause(original, model, result, "bn", "the output of conv 'conv' has other consumers");
    }

    [Fact]
    public void DoesNotFoldBnWhenConvOutputIsAlsoAGraphOutput()
    {
        var g = new HandGraph();
        var c = g.Conv("conv", HandGraph.X, 3);
        var original = g.Build(g.Bn("bn", c), c);
        var (model, result) = RewriteRun.FoldBn(original);
        LeftAloneBecause(original, model, result, "bn", "the output of conv 'conv' has other consumers");
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(13)]
    public void DoesNotFoldBnWhoseRunningMeanOutputIsAGraphOutput(int opset)
    {
        var g = new HandGraph(opset: opset);
        var outputs = g.BatchNorm("bn", g.Conv("conv", HandGraph.X, 3, bias: false), outputs: 5);
        var original = g.Build(outputs[0], outputs[1]);
        var (model, result) = RewriteRun.FoldBn(original);
        LeftAloneBecause(original, model, result, "bn", "training-mode outputs");
    }

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void DoesNotFoldBnWhoseStatisticsOutputsAreDeclaredEvenIfUnused(int opset)
    {
        // Before opset 14, declaring them is what puts BN in training mode (batch statistics).
        var g = new HandGraph(opset: opset);
        var outputs = g.BatchNorm("bn", g.Conv("conv", HandGraph.X, 3, bias: false), outputs: 5);
        var original = g.Build(outputs[0]);
        var (model, result) = RewriteRun.FoldBn(original);
        LeftAloneBecause(original, model, result, "bn", "training-mode outputs");
    }

    [Theory]
    [InlineData(14)]
    [InlineData(15)]
    public void DoesNotFoldBnInTrainingMode(int opset)
    {
        // ONNX Runtime's inference build does not run training-mode BN, so only the structure is checked.
        var g = new HandGraph(opset: opset);
        var y = g.BatchNorm("bn", g.Conv("conv", HandGraph.X, 3, bias: false), attributes: NodeAttributes.Int("training_mode", 1))[0];
        var original = g.Build(y);
        var (model, result) = RewriteRun.FoldBn(original);
        LeftAloneBecause(original, model, result, "bn", "training mode");
    }

    [Fact]
    public void DoesNotFoldBnWhoseScaleIsAGraphInput()
    {
        var g = new HandGraph();
        var y = g.BatchNorm("bn", g.Conv("conv", HandGraph.X, 3), scaleAsInput: true)[0];
        var original = g.Build(y);
        var (model, result) = RewriteRun.FoldBn(original);
        LeftAloneBecause(original, model, result, "bn", "its scale is not a constant");
    }

    [Fact]
    public void DoesNotFoldBnWhenConvWeightIsAGraphInput()
    {
        var g = new HandGraph();
        var original = g.Build(g.Bn("bn", g.Conv("conv", HandGraph.X, 3, weightAsInput: true)));
        var (model, result) = RewriteRun.FoldBn(original);
        LeftAloneBecause(original, model, result, "bn", "conv 'conv' has a weight that is not a constant");
    }

    [Fact]
    public void DoesNotFoldPerActivationBnWithSpatialZero()
    {
        // Opset 8 only: spatial=0 normalises every activation, with [C, H, W] parameters.
        var g = new HandGraph(channels: 2, size: 3, opset: 8, initializersAsInputs: true);
        var c = g.Conv("conv", HandGraph.X, 3);
        var p = new WeightGenerator(5);
        string[] roles = ["weight", "bias", "running_mean", "running_var"];
        foreach (var role in roles)
        {
            var values = role == "running_var" ? p.Uniform(18, 0.5, 2.0) : p.Uniform(18, -0.5, 0.5);
            g.Builder.Initializer($"bn.{role}", values, 2, 3, 3);
        }
        g.Builder.NamedNode("bn", "BatchNormalization", [c, .. roles.Select(r => $"bn.{r}")], ["bn_output_0"],
            NodeAttributes.Float("epsilon", 1e-5f), NodeAttributes.Int("spatial", 0));
        var original = g.Build("bn_output_0");
        var (model, result) = RewriteRun.FoldBn(original);
        LeftAloneBecause(original, model, result, "bn", "spatial=0");
    }

    [Fact]
    public void DoesNotReportBnThatFollowsNoConv()
    {
        var g = new HandGraph();
        var original = g.Build(g.Bn("bn", g.Op("Relu", "relu", HandGraph.X)));
        var (model, result) = RewriteRun.FoldBn(original);
        NothingToDo(original, model, result);
    }
}
