using OnnxCoDesign.Passes.Rewrite.Fusion;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>A StrategyPlan gives each block its own strategy; fusing again finds nothing left to fuse.</summary>
public sealed class FusePlanTests
{
    [Fact]
    public void AppliesEachRegionsStrategyToItsBlocks()
    {
        var original = Originals.A0Separate;
        var plan = new StrategyPlan().Region("0-3=S4").Region("10-12=S2").Region("5=S3");
        var blocks = BlockCensus.BlocksOf(original);

        var (model, result) = RewriteRun.Fuse(original, plan);

        FusionStrategy Expected(int i) => i switch
        {
            <= 3 => FusionStrategy.S4,
            5 => FusionStrategy.S3,
            >= 10 and <= 12 => FusionStrategy.S2,
            _ => FusionStrategy.S1,
        };
        Assert.Equal(Enumerable.Range(0, 22), result.Blocks.Select(b => b.Index));
        Assert.Equal(blocks.Select(b => b.Name), result.Blocks.Select(b => b.Name));
        Assert.Equal(Enumerable.Range(0, 22).Select(Expected), result.Blocks.Select(b => b.Strategy));
        Assert.Equal("3x3 + 1x1 + identity-bn", result.Blocks[2].Result); // S4, with identity
        Assert.Equal("3x3 + 1x1", result.Blocks[5].Result);
        Assert.Equal("3x3 + identity-bn", result.Blocks[10].Result);
        Assert.Equal("3x3", result.Blocks[4].Result);
        Assert.Contains(result.Pass.Rewrites, r => r.Anchor == "stage3.3" && r.Detail == "S2: 3x3 + identity-bn");
        BlockCensus.CheckAll(original, model, blocks, Expected);
        Equivalent(original, model);
    }

    [Fact]
    public void LaterRegionWinsWhereRegionsOverlap()
    {
        var plan = new StrategyPlan(FusionStrategy.S2).Region(1, 3, FusionStrategy.S4).Region("2=S1");
        var (model, result) = RewriteRun.Fuse(Originals.RepVgg("tiny"), plan);

        Assert.Equal(new[] { FusionStrategy.S2, FusionStrategy.S4, FusionStrategy.S1, FusionStrategy.S4, FusionStrategy.S2 }, result.Blocks.Select(b => b.Strategy));
        Equivalent(Originals.RepVgg("tiny"), model);
    }

    [Fact]
    public void FindsNoBlocksWhenRunAgainOnItsS1Result()
    {
        var (fused, _) = FusedModels.Get("tiny", FusionStrategy.S1);
        var (again, result) = RewriteRun.Fuse(fused, FusionStrategy.S1);

        Assert.Empty(result.Blocks);
        NothingToDo(fused, again, result.Pass);
    }

    [Fact]
    public void FusesAnS4ResultFurtherToS1()
    {
        // S4 leaves each block a block again (3×3 + 1×1 + identity); S1 of that is still the original function.
        var original = Originals.RepVgg("tiny");
        var (s4, _) = FusedModels.Get("tiny", FusionStrategy.S4);
        var (s1, result) = RewriteRun.Fuse(s4, FusionStrategy.S1);

        Assert.Equal(5, result.Pass.Rewrites.Count);
        Assert.Equal(5, Count(s1, "Conv"));
        Assert.Equal(0, Count(s1, "BatchNormalization") + Count(s1, "Add"));
        Equivalent(original, s1);
    }
}
