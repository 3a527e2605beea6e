using OnnxCoDesign.Passes.Rewrite.Fusion;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// Sums of branches fuse-branches must not fuse, because one kernel would not compute them: the graph stays
/// byte for byte, and the reason names the cause. Strategy S1 throughout, the one that fuses most.
/// </summary>
public sealed class FuseLeftAloneTests
{
    [Fact]
    public void DoesNotFuseWhenABranchOutputIsAlsoAGraphOutput()
    {
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1);
        var original = g.Build(g.Op("Relu", "blk.nonlinearity", g.Op("Add", "blk.add", dense, one)), one);
        AssertLeftAlone(original, "blk.add", "branch output 'blk.rbr_1x1.conv_output_0' is used outside the block");
    }

    [Fact]
    public void DoesNotFuseWhenABranchOutputHasAnotherReader()
    {
        var g = new HandGraph();
        var (dense, one, id) = HandBlocks.BnBranches(g);
        var sum = g.Op("Add", "blk.add_2", g.Op("Add", "blk.add_1", dense, one), id);
        var original = g.Build(g.Op("Relu", "blk.nonlinearity", sum), g.Op("Sigmoid", "probe", dense));
        AssertLeftAlone(original, "blk.add_2", "branch output 'blk.rbr_dense.bn_output_0' is used outside the block");
    }

    [Fact]
    public void DoesNotFuseBranchesWithDifferentStrides()
    {
        // On 4×4, a 3×3 at stride 2 (pad 1) and a 1×1 at stride 3 both give 2×2, but sample different pixels.
        var g = new HandGraph(size: 4);
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, stride: 2);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1, stride: 3);
        AssertLeftAlone(HandBlocks.Finish(g, g.Op("Add", "blk.add", dense, one)), "blk.add", "branches differ in stride");
    }

    [Fact]
    public void DoesNotFuseADilated3x3()
    {
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, dilation: 2);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1);
        AssertLeftAlone(HandBlocks.Finish(g, g.Op("Add", "blk.add", dense, one)), "blk.add", "conv 'blk.rbr_dense.conv' is dilated");
    }

    [Fact]
    public void DoesNotFuseAnUnpadded3x3()
    {
        // On 3×3 the unpadded 3×3 gives 1×1, which Add broadcasts over the 1×1 conv's 3×3.
        var g = new HandGraph(size: 3);
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, pads: [0, 0, 0, 0]);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1);
        AssertLeftAlone(HandBlocks.Finish(g, g.Op("Add", "blk.add", dense, one)), "blk.add", "the 3×3 conv is not padded 1 on every side");
    }

    [Fact]
    public void DoesNotFuseA3x3WithAsymmetricPads()
    {
        // Pads (0, 0, 2, 2) keep the size but shift the window by one pixel.
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, pads: [0, 0, 2, 2]);
        var original = HandBlocks.Finish(g, g.Op("Add", "blk.add", dense, HandGraph.X));
        AssertLeftAlone(original, "blk.add", "the 3×3 conv is not padded 1 on every side");
    }

    [Fact]
    public void DoesNotFuseAPadded1x1()
    {
        // On 1×1 a padded 1×1 conv gives 3×3 (zeros around the centre, plus bias); Add broadcasts the 3×3's 1×1.
        var g = new HandGraph(size: 1);
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1, pads: [1, 1, 1, 1]);
        AssertLeftAlone(HandBlocks.Finish(g, g.Op("Add", "blk.add", dense, one)), "blk.add", "the 1×1 conv is padded");
    }

    [Fact]
    public void DoesNotFuseWhenAConvWeightIsAGraphInput()
    {
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3, weightAsInput: true);
        var one = g.Conv("blk.rbr_1x1.conv", HandGraph.X, 1);
        AssertLeftAlone(HandBlocks.Finish(g, g.Op("Add", "blk.add", dense, one)), "blk.add", "conv 'blk.rbr_dense.conv' has no constant weight");
    }

    [Fact]
    public void DoesNotFuseWhenAnIdentityBnScaleIsAGraphInput()
    {
        // The match succeeds; reading the BN's parameters does not, so the block is reported and kept.
        var g = new HandGraph();
        var dense = g.Conv("blk.rbr_dense.conv", HandGraph.X, 3);
        var id = g.BatchNorm("blk.rbr_identity", HandGraph.X, scaleAsInput: true)[0];
        var original = HandBlocks.Finish(g, g.Op("Add", "blk.add", dense, id));
        var result = AssertLeftAlone(original, "blk", "BN 'blk.rbr_identity': its scale is not a constant");
        var report = Assert.Single(result.Blocks);
        Assert.StartsWith("left alone: ", report.Result);
        Assert.Equal(0, report.BranchesFused);
    }

    private static FusionResult AssertLeftAlone(Onnx.ModelProto original, string anchor, string cause)
    {
        var (model, result) = RewriteRun.Fuse(original, FusionStrategy.S1);
        LeftAloneBecause(original, model, result.Pass, anchor, cause);
        return result;
    }
}
