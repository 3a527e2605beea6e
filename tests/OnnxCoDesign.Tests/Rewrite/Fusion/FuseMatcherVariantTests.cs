using OnnxCoDesign.Passes.Rewrite.Fusion;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>Blocks in the other shapes exports give them are found and fused under every strategy.</summary>
public sealed class FuseMatcherVariantTests
{
    public static TheoryData<string, FusionStrategy> Cases()
    {
        var data = new TheoryData<string, FusionStrategy>();
        foreach (var variant in HandBlocks.Variants.Keys)
        {
            foreach (var strategy in Enum.GetValues<FusionStrategy>()) data.Add(variant, strategy);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusesTheBlockAndComputesWhatItComputed(string variant, FusionStrategy strategy)
    {
        var (build, branches) = HandBlocks.Variants[variant];
        var original = build();
        var block = Assert.Single(BlockCensus.BlocksOf(original));
        Assert.Equal(branches, block.BranchText);

        var (model, result) = RewriteRun.Fuse(original, strategy);

        var report = Assert.Single(result.Blocks);
        Assert.Equal(branches, report.Branches);
        Assert.Equal(block.Name, Assert.Single(result.Pass.Rewrites).Anchor);
        Assert.Empty(result.Pass.LeftAlone);
        BlockCensus.CheckAll(original, model, [block], _ => strategy);
        Equivalent(original, model);
    }
}
