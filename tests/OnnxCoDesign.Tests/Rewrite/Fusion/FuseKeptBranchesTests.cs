using OnnxCoDesign.Passes.Rewrite.Fusion;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>S2–S4 keep exactly the branches they name (S2 identity, S3 1×1, S4 both) and fuse the rest.</summary>
public sealed class FuseKeptBranchesTests
{
    /// <summary>
    /// The small RepVGGs in both forms, with and without groups. A0 under S2–S4 is covered by
    /// <see cref="FusePlanTests.AppliesEachRegionsStrategyToItsBlocks"/>, which gives its blocks all four.
    /// </summary>
    public static TheoryData<string, FusionStrategy> Cases()
    {
        var data = new TheoryData<string, FusionStrategy>();
        foreach (var strategy in new[] { FusionStrategy.S2, FusionStrategy.S3, FusionStrategy.S4 })
        {
            foreach (var sample in new[] { "tiny", "tiny-folded", "tiny-grouped", "grouped", "grouped-folded" }) data.Add(sample, strategy);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KeepsExactlyTheBranchesItsStrategyNames(string sample, FusionStrategy strategy)
    {
        var original = Originals.RepVgg(sample);
        var blocks = BlockCensus.BlocksOf(original);
        var (model, result) = FusedModels.Get(sample, strategy);

        WellFormed(model);
        Assert.Equal(blocks.Count, result.Pass.Rewrites.Count);
        Assert.Empty(result.Pass.LeftAlone);
        Assert.All(result.Blocks, b => Assert.Equal(strategy, b.Strategy));
        Assert.Equal(blocks.Select(b => strategy.BranchesFused(b.OneByOne is not null, b.Identity is not null)), result.Blocks.Select(b => b.BranchesFused));
        BlockCensus.CheckAll(original, model, blocks, _ => strategy);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComputesWhatTheOriginalComputes(string sample, FusionStrategy strategy)
    {
        var (model, _) = FusedModels.Get(sample, strategy);
        Equivalent(Originals.RepVgg(sample), model);
    }

    [Fact]
    public void TinyHasBlocksWithAndWithoutIdentity()
    {
        // Guards the cases above: they only mean something if both kinds of block occur.
        var blocks = BlockCensus.BlocksOf(Originals.RepVgg("tiny"));
        Assert.Equal(5, blocks.Count);
        Assert.Equal(2, blocks.Count(b => b.Identity is not null));
        Assert.All(blocks, b => Assert.NotNull(b.OneByOne));
        Assert.Equal(2, BlockCensus.BlocksOf(Originals.RepVgg("tiny-grouped")).Count(b => b.Groups == 2 && b.Identity is not null));
    }
}
