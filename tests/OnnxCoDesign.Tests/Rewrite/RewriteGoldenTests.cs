using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// The rewritten tiny RepVGG as text (tests/golden/fuse-tiny-s1 … s4, fold-bn-tiny): names, wiring,
/// attributes and inferred shapes, so a change in how a pass rewrites shows up in review.
/// </summary>
public sealed class RewriteGoldenTests
{
    [Theory]
    [InlineData(FusionStrategy.S1)]
    [InlineData(FusionStrategy.S2)]
    [InlineData(FusionStrategy.S3)]
    [InlineData(FusionStrategy.S4)]
    public void FusedTinyPrintsAsItsGolden(FusionStrategy strategy)
    {
        var (model, _) = FusedModels.Get("tiny", strategy);
        WellFormed(model);
        GoldenFile.Check($"fuse-tiny-{strategy.ToString().ToLowerInvariant()}", "graph.txt", PrintWithShapes(model));
    }

    [Fact]
    public void BnFoldedTinyPrintsAsItsGolden()
    {
        var (model, _) = RewriteRun.FoldBn(Originals.RepVgg("tiny"));
        WellFormed(model);
        GoldenFile.Check("fold-bn-tiny", "graph.txt", PrintWithShapes(model));
    }
}
