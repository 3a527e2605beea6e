using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>fold-bn on whole exported networks: every Conv→BN goes, nothing else moves, outputs agree.</summary>
public sealed class FoldBnSampleTests
{
    [Fact]
    public void FoldsEveryConvBnInResNet50()
    {
        var original = Originals.ResNet50Separate;
        var bns = original.Graph.Node.Where(n => n.OpType == "BatchNormalization").ToList();
        Assert.Equal(53, bns.Count);

        var (model, result) = RewriteRun.FoldBn(original);

        Assert.Equal(bns.Select(n => n.Name), result.Rewrites.Select(r => r.Anchor));
        Assert.Empty(result.LeftAlone);
        Assert.Equal(0, Count(model, "BatchNormalization"));
        Assert.Equal(Count(original, "Conv"), Count(model, "Conv"));
        // Each BN's output is now its conv's, so everything downstream reads the same names.
        var convOutputs = model.Graph.Node.Where(n => n.OpType == "Conv").Select(n => n.Output[0]).ToHashSet();
        Assert.All(bns, bn => Assert.Contains(bn.Output[0], convOutputs));
        Equivalent(original, model, samples: 1);
    }

    [Fact]
    public void FoldsConvBnsInRepVggA0AndKeepsIdentityBnsWithoutReportingThem()
    {
        var original = Originals.A0Separate;
        var (model, result) = RewriteRun.FoldBn(original);

        Assert.Equal(44, result.Rewrites.Count); // a 3×3 and a 1×1 conv per block, 22 blocks
        Assert.Empty(result.LeftAlone); // identity BNs follow no conv: not a match, so not "left alone"
        var remaining = model.Graph.Node.Where(n => n.OpType == "BatchNormalization").ToList();
        Assert.Equal(17, remaining.Count);
        Assert.All(remaining, bn => Assert.EndsWith(".rbr_identity", bn.Name));
        Assert.All(remaining, bn => Assert.Equal(original.Graph.Node.Single(n => n.Name == bn.Name), bn));
        Equivalent(original, model);
    }

    [Fact]
    public void FoldingBnIntoBiaslessConvSavesOneFlopPerBnOutputElement()
    {
        // The BN costs 2 per element; the conv gains a bias, 1 per element.
        var original = Originals.RepVgg("tiny");
        var (model, result) = RewriteRun.FoldBn(original);
        WellFormed(model);

        var before = Analysis.Of(original);
        var folded = original.Graph.Node.Where(n => result.Rewrites.Any(r => r.Anchor == n.Name)).ToList();
        Assert.Equal(10, folded.Count);
        var elements = folded.Sum(bn => before.Shapes.TypeOf(bn.Output[0])!.Elements!.Value);
        Assert.Equal(before.Cost.Flops - elements, Analysis.Of(model).Cost.Flops);
    }

    [Fact]
    public void LeavesAModelWithoutConvBnAsItWas()
    {
        // BN already folded by the exporter: only identity BNs, which follow no conv.
        var original = Originals.RepVgg("tiny-folded");
        var (model, result) = RewriteRun.FoldBn(original);
        NothingToDo(original, model, result);
    }
}
