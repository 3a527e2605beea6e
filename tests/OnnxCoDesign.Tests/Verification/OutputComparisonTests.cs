using OnnxCoDesign.Compiler.Verification;

namespace OnnxCoDesign.Tests.Verification;

public sealed class OutputComparisonTests
{
    [Fact]
    public void Relative_error_is_normwise_and_L2_is_relative_to_the_reference_norm()
    {
        var (abs, rel, l2) = OutputComparison.Metrics([10, 0, -2], [10, 0.5, -2]);
        Assert.Equal(0.5, abs);
        Assert.Equal(0.05, rel, 12); // 0.5 / max|ref| = 0.5 / 10, not 0.5 / |0|
        Assert.Equal(0.5 / Math.Sqrt(104), l2, 12);
    }

    [Fact]
    public void Zero_reference_uses_the_floor()
    {
        var (_, rel, _) = OutputComparison.Metrics([0, 0], [0, 1e-13]);
        Assert.Equal(0.1, rel, 9);
    }

    [Fact]
    public void Matching_NaN_and_infinity_are_equal_but_a_new_NaN_fails()
    {
        var same = OutputComparison.Metrics([double.NaN, double.PositiveInfinity, 1], [double.NaN, double.PositiveInfinity, 1]);
        Assert.Equal(0, same.Relative);
        var report = OutputComparison.Compute("y", [TensorData.FromFloats([1f, 2f], 2)], [TensorData.FromFloats([1f, float.NaN], 2)]);
        Assert.True(double.IsNaN(report.MaxRelativeError));
        Assert.False(report.Passes(1));
    }

    [Fact]
    public void Worst_sample_is_reported()
    {
        var reference = new[] { TensorData.FromFloats([1f, 1f], 2), TensorData.FromFloats([100f, 100f], 2) };
        var candidate = new[] { TensorData.FromFloats([1.5f, 1f], 2), TensorData.FromFloats([101f, 100f], 2) };
        var c = OutputComparison.Compute("y", reference, candidate);
        Assert.Equal(1.0, c.MaxAbsError);         // from sample 1
        Assert.Equal(0.5, c.MaxRelativeError, 9); // from sample 0: 0.5 / 1
        Assert.True(c.Passes(0.5));
        Assert.False(c.Passes(0.4));
    }
}
