using OnnxCoDesign.Compiler.Evaluation;
using Xunit;

namespace OnnxCoDesign.Tests.Evaluation;

public sealed class TopKAccuracyTests
{
    [Fact]
    public void Top1AndTop5CountRowsWhoseLabelRanksFirstOrInTheFirstFive()
    {
        // Row 0: label 2 has the highest score. Row 1: label 0 ranks 4th of 6 (top-5, not top-1).
        // Row 2: label 5 ranks last (neither).
        double[] scores =
        [
            0.1, 0.2, 0.9, 0.0, 0.3, 0.1,
            0.3, 0.9, 0.8, 0.7, 0.1, 0.2,
            0.6, 0.5, 0.4, 0.3, 0.2, 0.1,
        ];
        var acc = new TopKAccuracy();
        acc.Add(scores, 6, [2, 0, 5]);
        Assert.Equal(3, acc.Samples);
        Assert.Equal(1, acc.Top1Correct);
        Assert.Equal(2, acc.Top5Correct);
        Assert.Equal(100.0 / 3, acc.Top1Percent, 12);
        Assert.Equal(200.0 / 3, acc.Top5Percent, 12);
    }

    [Fact]
    public void TiesRankTheLowerClassFirstAsStableSortsDo()
    {
        double[] row = [1, 1, 1];
        Assert.Equal(0, TopKAccuracy.RankOf(row, 0));
        Assert.Equal(1, TopKAccuracy.RankOf(row, 1));
        Assert.Equal(2, TopKAccuracy.RankOf(row, 2));
    }

    [Fact]
    public void NaNScoresRankLastAndALabelOutsideTheRowIsNeverCorrect()
    {
        Assert.Equal(3, TopKAccuracy.RankOf([double.NaN, 0, 1], 0));
        Assert.Equal(0, TopKAccuracy.RankOf([0, double.NaN, 1], 2));
        Assert.Equal(3, TopKAccuracy.RankOf([0, 1, 2], 7));
    }

    [Fact]
    public void ScoresThatAreNotWholeRowsAreRefused()
    {
        var acc = new TopKAccuracy();
        Assert.Throws<ArgumentException>(() => acc.Add(new double[5], 2, [0, 1]));
    }
}
