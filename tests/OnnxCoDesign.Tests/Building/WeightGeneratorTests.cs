using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Building;

public class WeightGeneratorTests
{
    [Fact]
    public void Is_SplitMix64()
    {
        // Reference values of SplitMix64 from seed 0 (Vigna's splitmix64.c).
        var g = new WeightGenerator(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, g.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, g.NextUInt64());
    }

    [Fact]
    public void Batch_norm_statistics_are_in_their_ranges_and_non_trivial()
    {
        var bn = new WeightGenerator(7).BatchNorm(4096);
        Assert.All(bn.Scale, v => Assert.InRange(v, 0.5f, 1.5f));
        Assert.All(bn.Bias, v => Assert.InRange(v, -0.2f, 0.2f));
        Assert.All(bn.Mean, v => Assert.InRange(v, -0.3f, 0.3f));
        Assert.All(bn.Variance, v => Assert.InRange(v, 0.5f, 2.0f));
        Assert.Equal(1e-5f, bn.Epsilon);
        Assert.True(bn.Scale.Max() - bn.Scale.Min() > 0.9f);
    }

    [Fact]
    public void Conv_weights_have_he_variance()
    {
        var w = new WeightGenerator(3).ConvWeight(64, 32, 3, 3);
        double variance = w.Select(v => (double)v * v).Average();
        Assert.InRange(variance, 0.9 * 2.0 / 288, 1.1 * 2.0 / 288);
    }

    [Fact]
    public void Folding_matches_conv_then_bn()
    {
        var g = new WeightGenerator(5);
        var w = g.ConvWeight(2, 1, 1, 1);
        var b = g.Bias(2);
        var bn = g.BatchNorm(2);
        var (fw, fb) = bn.FoldInto(w, b);
        for (int c = 0; c < 2; c++)
        {
            const double x = 0.7;
            double reference = (x * w[c] + b[c] - bn.Mean[c]) / Math.Sqrt(bn.Variance[c] + bn.Epsilon) * bn.Scale[c] + bn.Bias[c];
            Assert.Equal(reference, x * fw[c] + fb[c], 5);
        }
    }
}
