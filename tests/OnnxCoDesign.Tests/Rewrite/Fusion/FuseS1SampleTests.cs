using Onnx;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>S1 on the RepVGG samples in both export forms: the deploy model, as the reference fuses it.</summary>
public sealed class FuseS1SampleTests
{
    public static TheoryData<string> Samples => ["a0", "a0-folded", "grouped", "grouped-folded"];

    [Theory]
    [MemberData(nameof(Samples))]
    public void S1LeavesOneConvPerBlockAndNoBatchNorm(string sample)
    {
        var original = Originals.RepVgg(sample);
        var blocks = BlockCensus.BlocksOf(original);
        var (model, result) = FusedModels.Get(sample, FusionStrategy.S1);

        WellFormed(model);
        Assert.Equal(blocks.Select(b => b.Name), result.Pass.Rewrites.Select(r => r.Anchor));
        Assert.Empty(result.Pass.LeftAlone);
        Assert.Equal(0, Count(model, "BatchNormalization"));
        BlockCensus.CheckAll(original, model, blocks, _ => FusionStrategy.S1);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void S1ComputesWhatTheOriginalComputes(string sample)
    {
        var (model, _) = FusedModels.Get(sample, FusionStrategy.S1);
        Equivalent(Originals.RepVgg(sample), model);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void S1CostsExactlyTheFlopsOfTheDeployModel(string sample)
    {
        var (model, _) = FusedModels.Get(sample, FusionStrategy.S1);
        var deploy = Originals.DeployOf(sample);
        Assert.Equal(Analysis.Of(deploy).Cost.Flops, Analysis.Of(model).Cost.Flops);
        Assert.True(Analysis.Of(model).Cost.Flops < Analysis.Of(Originals.RepVgg(sample)).Cost.Flops);
    }

    // The builder makes its deploy form with fuse-branches' own arithmetic (BranchFolding), so from the BN-separate
    // export, whose parameters are the ones the deploy form was made from, S1 gives the very same bytes.
    [Theory]
    [InlineData("a0")]
    [InlineData("grouped")]
    public void S1OfTheBnSeparateExportHasTheDeployModelsWeightsBitForBit(string sample)
    {
        var (model, _) = FusedModels.Get(sample, FusionStrategy.S1);
        var fused = ConvParameters(model);
        var deploy = ConvParameters(Originals.DeployOf(sample));
        Assert.Equal(deploy.Count, fused.Count);
        for (var i = 0; i < deploy.Count; i++)
        {
            Assert.True(deploy[i].SequenceEqual(fused[i]), $"conv parameter {i} differs");
        }
    }

    private static List<float[]> ConvParameters(ModelProto model)
    {
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return model.Graph.Node.Where(n => n.OpType == "Conv")
            .SelectMany(n => n.Input.Skip(1).Where(name => name.Length > 0))
            .Select(name => TensorValues.Float32(initializers[name]).ToArray()).ToList();
    }
}
