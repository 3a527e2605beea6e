using OnnxCoDesign.Compiler.Calibration;

namespace OnnxCoDesign.Tests.Quantization;

public sealed class EntropyThresholdTests
{
    /// <summary>|x| of a ReLU output: <paramref name="zeros"/> exact zeros, the rest spread evenly over (0, 5].</summary>
    private static AbsHistogram PostRelu(int zeros, int spread)
    {
        var h = new AbsHistogram(5);
        h.Add(new float[zeros]);
        h.Add(Enumerable.Range(1, spread).Select(i => 5f * i / spread).ToArray());
        return h;
    }

    [Fact]
    public void TheZeroSpikeOfAReluOutputDoesNotPullTheThresholdDown()
    {
        // Uniform mass above zero has nothing to clip: the threshold stays near the top, spike or not.
        var withSpike = EntropyThreshold.Of(PostRelu(zeros: 60_000, spread: 40_000));
        var without = EntropyThreshold.Of(PostRelu(zeros: 0, spread: 40_000));
        Assert.InRange(withSpike, 4.0, 5.0);
        Assert.Equal(without, withSpike, 9);
    }

    [Fact]
    public void ALongThinTailIsStillClipped()
    {
        // An exponential bulk (mean 0.2; its 99.99th percentile is 1.84) and two outliers at 4.9 and 5: KL keeps
        // the bulk's range and clips the outliers.
        var h = new AbsHistogram(5);
        h.Add(Enumerable.Range(1, 100_000).Select(i => (float)(-0.2 * Math.Log(i / 100_001.0))).ToArray());
        h.Add([4.9f, 5f]);
        Assert.InRange(EntropyThreshold.Of(h), 0.8, 3.0);
    }
}
