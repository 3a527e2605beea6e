using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cost;

/// <summary>The builder's ResNet-50 against published figures for torchvision's resnet50 at 1×3×224×224.</summary>
public sealed class ResNet50CostTests
{
    private static readonly Lazy<Compiler.Pipeline.ModelAnalysis> Folded = new(() => Analysis.Of(SampleModels.ResNet50()));

    [Fact]
    public void MacsMatchTorchvisionResNet50()
    {
        // fvcore and ptflops report 4.09 G multiply-accumulates for the convolutions and the classifier.
        var macs = Folded.Value.Cost.Macs;
        Assert.InRange(macs, 4.085e9, 4.095e9);
    }

    [Fact]
    public void FlopsAreTwiceTheMacsPlusBiasesAndElementwise()
    {
        var cost = Folded.Value.Cost;
        Assert.InRange(cost.Flops, 2 * cost.Macs, 2 * cost.Macs + 50_000_000);
        Assert.InRange(cost.Flops / 1e9, 8.17, 8.25);
        Assert.False(cost.IsPartial);
    }

    [Fact]
    public void ParametersMatchTorchvisionResNet50()
    {
        var separate = SampleModels.ResNet50(BatchNormForm.Separate);
        Assert.Equal(25_557_032, ParameterCount.Learnable(separate));
        // With BN folded, each conv keeps a bias in place of BN's gamma and beta: 26,560 channels fewer.
        Assert.InRange(Folded.Value.Cost.Parameters, 25.5e6, 25.6e6);
    }

    [Fact]
    public void PaperIntensityIsNearTheSeedsTableTwo()
    {
        // The seed's Table II reports 38.78 FLOP/byte for ResNet-50.
        Assert.InRange(Folded.Value.Cost.PaperIntensity, 37.0, 41.0);
    }

    [Fact]
    public void BothBatchNormFormsCostTheSameConvolutions()
    {
        var separate = Analysis.Of(SampleModels.ResNet50(BatchNormForm.Separate)).Cost;
        Assert.Equal(Folded.Value.Cost.Macs, separate.Macs);
    }
}
