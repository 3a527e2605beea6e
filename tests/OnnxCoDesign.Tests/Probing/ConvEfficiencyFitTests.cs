using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Passes.Cost;

namespace OnnxCoDesign.Tests.Probing;

/// <summary>
/// The shape-aware conv efficiency from synthetic per-conv timings (no timing is measured here): a known curve
/// turned into the grid's times comes back point for point; a cell pools its shapes by FLOPs; the range holds.
/// </summary>
public sealed class ConvEfficiencyFitTests
{
    private const double Peak = 2e11, Overhead = 2e-6;

    /// <summary>A curve unlike a flat one: small maps slow, 1×1 slower than 3×3.</summary>
    private static double Truth(string cls, long pixels) =>
        (cls == ConvEfficiencyCurve.Pointwise ? 0.8 : 0.95) * Math.Min(1.0, 0.3 + 0.2 * Math.Log2(pixels / 49.0 + 1));

    private static double Seconds(ConvShape s, Func<string, long, double> eta) => s.Flops / (Peak * eta(s.KernelClass, s.OutputPixels)) + Overhead;

    [Fact]
    public void TheFitRecoversAKnownCurveFromTheGridsTimes()
    {
        var curve = ConvEfficiencyFit.Fit(ConvShapeGrid.Shapes.Select(s => (s, Seconds(s, Truth))), Peak, Overhead);
        Assert.Equal([ConvEfficiencyCurve.Pointwise, ConvEfficiencyCurve.Spatial], curve.Points.Keys);
        foreach (var (cls, points) in curve.Points)
        {
            Assert.Equal(ConvShapeGrid.Sizes.Select(x => x * x), points.Select(p => p.OutputPixels));
            Assert.All(points, p => Assert.Equal(Truth(cls, p.OutputPixels), p.Efficiency, 3)); // three significant digits
        }
        // A 1×1 conv on 7×7 is slower per FLOP than on 56×56, as the truth says.
        Assert.True(curve.At(new ConvGeometry(49, 512, 512, 1, 1)) < curve.At(new ConvGeometry(3136, 512, 512, 1, 1)));
    }

    [Fact]
    public void ACellPoolsItsShapesByFlops()
    {
        var small = new ConvShape(64, 64, 1, 7);
        var large = new ConvShape(512, 512, 1, 7);
        // small at 25 % of the peak, large at 100 %: the cell is ΣF / (P · Σ(t − overhead)).
        var times = new[] { (small, small.Flops / (Peak * 0.25) + Overhead), (large, large.Flops / Peak + Overhead) };
        var expected = (small.Flops + large.Flops) / (Peak * (small.Flops / (Peak * 0.25) + large.Flops / Peak));
        var point = Assert.Single(ConvEfficiencyFit.Fit(times, Peak, Overhead).Points[ConvEfficiencyCurve.Pointwise]);
        Assert.Equal(49, point.OutputPixels);
        Assert.Equal(OperatorEfficiencyFit.Round(expected), point.Efficiency);
        Assert.True(point.Efficiency is > 0.25 and < 1);
    }

    [Fact]
    public void EfficienciesStayInTheirRangeAndUntimedShapesAreLeftOut()
    {
        var fast = new ConvShape(64, 64, 3, 14);
        var slow = new ConvShape(64, 64, 3, 28);
        var untimed = new ConvShape(64, 64, 1, 7);
        var curve = ConvEfficiencyFit.Fit([(fast, fast.Flops / (2 * Peak)), (slow, 1e3), (untimed, 0)], Peak, Overhead);
        Assert.Equal([ConvEfficiencyCurve.Spatial], curve.Points.Keys);
        Assert.Equal([new(196, 1.0), new(784, OperatorEfficiencyFit.Floor)], curve.Points[ConvEfficiencyCurve.Spatial]);
        Assert.True(ConvEfficiencyFit.Fit(Array.Empty<ConvTiming>(), Peak, Overhead).IsEmpty);
    }

    [Fact]
    public void TheGridIsSyntheticAndQuick()
    {
        Assert.All(ConvShapeGrid.Shapes, s => Assert.True(s.Flops <= ConvShapeGrid.MaxFlops));
        Assert.Equal(["1x1", "kxk"], ConvShapeGrid.Shapes.Select(s => s.KernelClass).Distinct().Order(StringComparer.Ordinal));
        // Every class has a point at every size, so the fitted curve spans 7×7 to 112×112 for both.
        foreach (var cls in new[] { "1x1", "kxk" })
        {
            Assert.Equal(ConvShapeGrid.Sizes, ConvShapeGrid.Shapes.Where(s => s.KernelClass == cls).Select(s => s.Size).Distinct().Order());
        }
        // A chain times its middle conv, co→ci: every unequal 1×1 pair runs both ways round (a reduction and an expansion).
        var pointwise = ConvShapeGrid.Shapes.Where(s => s.Kernel == 1).Select(s => (s.InChannels, s.OutChannels, s.Size)).ToHashSet();
        Assert.Contains(pointwise, p => p.InChannels > p.OutChannels);
        Assert.All(pointwise, p => Assert.Contains((p.OutChannels, p.InChannels, p.Size), pointwise));
    }

    [Fact]
    public void ProfiledStridedAndThinConvsMakeCellsOfTheirOwnClasses()
    {
        // Each conv's own time plus the launch overhead, as the probe hands them over; the overhead comes off again.
        var timings = new[]
        {
            new ConvTiming(ConvEfficiencyCurve.Strided, 196, 4e8, 4e8 / (0.5 * Peak) + Overhead),
            new ConvTiming(ConvEfficiencyCurve.Strided, 196, 2e8, 2e8 / (0.8 * Peak) + Overhead),
            new ConvTiming(ConvEfficiencyCurve.Thin, 12544, 3e7, 3e7 / (0.4 * Peak) + Overhead),
        };
        var curve = ConvEfficiencyFit.Fit(timings, Peak, Overhead);
        Assert.Equal([ConvEfficiencyCurve.Strided, ConvEfficiencyCurve.Thin], curve.Points.Keys);
        // Pooled by FLOPs: 6e8 / (4e8 / 0.5 + 2e8 / 0.8) of the peak.
        Assert.Equal([new(196, OperatorEfficiencyFit.Round(6e8 / (4e8 / 0.5 + 2e8 / 0.8)))], curve.Points[ConvEfficiencyCurve.Strided]);
        Assert.Equal([new(12544, 0.4)], curve.Points[ConvEfficiencyCurve.Thin]);
    }

    [Fact]
    public void TheProfiledShapesAreNoLayerOfTheMeasuredModelsAndStayQuick()
    {
        Assert.Contains(ProfiledConvShape.Shapes, s => s.Class == ConvEfficiencyCurve.Thin);
        Assert.Contains(ProfiledConvShape.Shapes, s => s.Class == ConvEfficiencyCurve.Strided);
        Assert.Contains(ProfiledConvShape.Shapes, s => s.Class == ConvEfficiencyCurve.PointwiseStrided && s.Kernel == 1 && s.Stride == 2);
        // RepVGG-A0's stem is 3->48 at 112x112 and its downsampling convs 48->48, 48->96, 96->192, 192->1280; ResNet-50's
        // 3x3 stride-2 convs are 128->128, 256->256, 512->512, and its 1x1 stride-2 shortcuts 256->512, 512->1024, 1024->2048.
        var layers = new (long In, long Out, long Size)[]
        {
            (3, 48, 112), (48, 48, 56), (48, 96, 28), (96, 192, 14), (192, 1280, 7), (128, 128, 28), (256, 256, 14), (512, 512, 7),
            (256, 512, 28), (512, 1024, 14), (1024, 2048, 7),
        };
        Assert.DoesNotContain(ProfiledConvShape.Shapes, s => layers.Contains((s.InChannels, s.OutChannels, s.OutSize)));
        Assert.All(ProfiledConvShape.Shapes, s => Assert.True(s.Flops <= ConvShapeGrid.MaxFlops));
    }
}
