using OnnxCoDesign.Passes.Rewrite.Fusion;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>A residual Add sums a block's input with the output of a different conv chain: no RepVGG block.</summary>
public sealed class FuseResNetTests
{
    [Fact]
    public void FindsNoBlocksInResNet50WithBnSeparate()
    {
        var (model, result) = RewriteRun.Fuse(Originals.ResNet50Separate, FusionStrategy.S1);
        Assert.Empty(result.Blocks);
        NothingToDo(Originals.ResNet50Separate, model, result.Pass);
    }

    [Fact]
    public void FindsNoBlocksInResNet50WithBnFolded()
    {
        var (model, result) = RewriteRun.Fuse(Originals.ResNet50Folded, FusionStrategy.S1);
        Assert.Empty(result.Blocks);
        NothingToDo(Originals.ResNet50Folded, model, result.Pass);
    }
}
