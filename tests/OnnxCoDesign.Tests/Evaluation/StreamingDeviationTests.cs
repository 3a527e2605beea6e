using OnnxCoDesign.Compiler.Evaluation;
using Xunit;

namespace OnnxCoDesign.Tests.Evaluation;

public sealed class StreamingDeviationTests
{
    [Fact]
    public void RelativeL2IsOneNormOverEveryBatchNotTheWorstBatch()
    {
        var d = new StreamingDeviation();
        d.Add([3, 4], [3, 4]);          // exact: ‖r‖² = 25
        d.Add([0, 0], [0, 1]);          // off by 1 where the reference is 0
        // Over the stream: ‖c − r‖ = 1, ‖r‖ = 5 → 0.2 (the second batch alone would be infinite).
        Assert.Equal(0.2, d.RelativeL2, 12);
        Assert.Equal(1, d.MaxAbs);
        Assert.Equal(4, d.Elements);
    }

    [Fact]
    public void MatchingNaNsAreEqualAndANewNaNPoisonsTheMaximum()
    {
        var d = new StreamingDeviation();
        d.Add([double.NaN, 1], [double.NaN, 1]);
        Assert.Equal(0, d.MaxAbs);
        d.Add([1], [double.NaN]);
        Assert.True(double.IsNaN(d.MaxAbs));
    }
}
