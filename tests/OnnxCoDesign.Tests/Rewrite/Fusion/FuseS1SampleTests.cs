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
}
