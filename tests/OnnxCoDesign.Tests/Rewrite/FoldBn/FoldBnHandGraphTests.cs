using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>fold-bn on hand-made Conv→BN pairs: a conv with its own bias, and a weight another conv shares.</summary>
public sealed class FoldBnHandGraphTests
{
    [Fact]
    public void FoldsBnIntoConvWithBiasKeepingItsOutputName()
    {
        var g = new HandGraph();
        var y = g.Bn("bn", g.Conv("conv", HandGraph.X, 3));
        var original = g.Build(g.Op("Relu", "relu", y));

        var (model, result) = RewriteRun.FoldBn(original);

        var rewrite = Assert.Single(result.Rewrites);
        Assert.Equal("bn", rewrite.Anchor);
        var conv = Assert.Single(model.Graph.Node, n => n.OpType == "Conv");
        Assert.Equal(new[] { "x", "conv.weight_bnfolded", "conv.bias_bnfolded" }, conv.Input);
        Assert.Equal(new[] { "bn_output_0" }, conv.Output);
        Assert.DoesNotContain(model.Graph.Initializer, i => i.Name is "conv.weight" or "conv.bias" || i.Name.StartsWith("bn."));
        Equivalent(original, model);
    }

    [Fact]
    public void FoldsOnlyTheConvBnWhenAWeightIsSharedWithAnotherConv()
    {
        var g = new HandGraph();
        var folded = g.Bn("bn", g.Conv("conv_a", HandGraph.X, 3, bias: false));
        var plain = g.Conv("conv_b", HandGraph.X, 3, bias: false, weight: "conv_a.weight");
        var original = g.Build(folded, plain);

        var (model, result) = RewriteRun.FoldBn(original);

        Assert.Equal("bn", Assert.Single(result.Rewrites).Anchor);
        var convA = model.Graph.Node.Single(n => n.Name == "conv_a");
        var convB = model.Graph.Node.Single(n => n.Name == "conv_b");
        Assert.Equal("conv_a.weight_bnfolded", convA.Input[1]);
        Assert.Equal(original.Graph.Node.Single(n => n.Name == "conv_b"), convB);
        Assert.Equal(original.Graph.Initializer.Single(i => i.Name == "conv_a.weight"), model.Graph.Initializer.Single(i => i.Name == "conv_a.weight"));
        Equivalent(original, model); // both outputs: the folded conv's and the other conv's
    }
}
