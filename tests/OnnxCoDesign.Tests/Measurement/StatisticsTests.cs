using OnnxCoDesign.Compiler.Measurement;

namespace OnnxCoDesign.Tests.Measurement;

/// <summary>The statistics against values computed by hand.</summary>
public sealed class StatisticsTests
{
    [Fact]
    public void MedianOfOddAndEvenCounts()
    {
        Assert.Equal(3, Statistics.Median([5, 1, 3]));
        Assert.Equal(2.5, Statistics.Median([4, 1, 3, 2]));
        Assert.Throws<ArgumentException>(() => Statistics.Median([]));
    }

    [Fact]
    public void TheTypicalTimeIsTheMeanOfTheMiddleRuns()
    {
        // Ten runs, a fifth dropped at each end: the mean of the middle six.
        Assert.Equal(1.0, Statistics.TypicalSeconds([1, 1, 1, 1, 1, 1, 1, 1, 1, 50]), 12); // one preempted run: ignored
        // A host at two speeds, four runs at 1.0 and six at 1.3: the median is 1.3, the typical time their mix.
        double[] twoSpeeds = [1.3, 1.0, 1.3, 1.3, 1.0, 1.3, 1.0, 1.3, 1.3, 1.0];
        Assert.Equal(1.3, Statistics.Median(twoSpeeds), 12);
        Assert.Equal((2 * 1.0 + 4 * 1.3) / 6, Statistics.TypicalSeconds(twoSpeeds), 12);
        Assert.Equal(2.0, Statistics.TypicalSeconds([3, 1, 2]), 12); // under five runs nothing is dropped
        Assert.Equal(7.0, Statistics.TypicalSeconds([7]));
        Assert.Throws<ArgumentException>(() => Statistics.TypicalSeconds([]));
    }

    [Fact]
    public void TiesShareTheAverageOfTheirRanks()
    {
        Assert.Equal([1, 2.5, 2.5, 4], Statistics.Ranks([10, 20, 20, 30]));
        Assert.Equal([4, 2, 2, 2, 5], Statistics.Ranks([7, 3, 3, 3, 9])); // ranks 1..3 shared: 2 each
        Assert.Equal([2.0, 1.0], Statistics.Ranks([1.5, -1]));
    }

    [Fact]
    public void SpearmanOfMonotoneSeriesIsPlusOrMinusOne()
    {
        double[] x = [1, 2, 3, 4, 5];
        Assert.Equal(1, Statistics.Spearman(x, [1, 4, 9, 16, 100]), 12);
        Assert.Equal(-1, Statistics.Spearman(x, [50, 40, 30, 20, 10]), 12);
    }

    [Fact]
    public void SpearmanWithTiesIsThePearsonCorrelationOfAverageRanks()
    {
        // x ranks 1, 2.5, 2.5, 4; y ranks 1, 3, 2, 4. Deviations from 2.5: (-1.5, 0, 0, 1.5) and (-1.5, .5, -.5, 1.5):
        // Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5, so ρ = 4.5 / √22.5.
        Assert.Equal(4.5 / Math.Sqrt(22.5), Statistics.Spearman([1, 2, 2, 3], [0.1, 0.7, 0.3, 0.9]), 12);
        // Without ties it agrees with 1 − 6Σd²/(n(n²−1)): d = (0, 1, −1, 0) → 1 − 12/60 = 0.8.
        Assert.Equal(0.8, Statistics.Spearman([1, 2, 3, 4], [1, 3, 2, 4]), 12);
    }

    [Fact]
    public void SpearmanIsUndefinedForAConstantSeries()
    {
        Assert.True(double.IsNaN(Statistics.Spearman([1, 1, 1], [1, 2, 3])));
        Assert.True(double.IsNaN(Statistics.Spearman([1], [1])));
    }

    [Fact]
    public void MapeIsRelativeToTheMeasurement()
    {
        // |110−100|/100, |90−100|/100, |50−100|/100 → (10 + 10 + 50) / 3 %.
        Assert.Equal(70.0 / 3, Statistics.MeanAbsolutePercentageError([110, 90, 50], [100, 100, 100]), 10);
        Assert.Equal(50, Statistics.MeanAbsolutePercentageError([1], [2]), 12);
        Assert.Throws<ArgumentException>(() => Statistics.MeanAbsolutePercentageError([1], [0]));
    }
}
