using OnnxCoDesign.Compiler.Probing;

namespace OnnxCoDesign.Tests.Probing;

/// <summary>Per-op efficiency from single-op timings, against hand-computed values.</summary>
public sealed class OperatorEfficiencyFitTests
{
    [Fact]
    public void EfficiencyIsTheProbesRateOverThePeakNetOfOverhead()
    {
        var map = OperatorEfficiencyFit.Fit(
        [
            ("Conv", 2e9, 0.02 + 1e-6),   // 2 GFLOP in 20 ms net = 100 GFLOP/s of 200: 0.5
            ("Conv", 1e9, 0.005 + 1e-6),  // together: 3e9 / (2e11 · 0.025) = 0.6
            ("Relu", 1e6, 1e-4 + 1e-6),   // 1e6 / (2e11 · 1e-4) = 0.05
            ("Reshape", 0, 1e-5),         // no FLOPs: no entry
        ], peak: 2e11, overhead: 1e-6);
        Assert.Equal(["Conv", "Relu"], map.Keys);
        Assert.Equal(0.6, map["Conv"], 12);
        Assert.Equal(0.05, map["Relu"], 12);
    }

    [Fact]
    public void EfficiencyStaysInItsRange()
    {
        var map = OperatorEfficiencyFit.Fit([("MatMul", 1e10, 0.01), ("Sigmoid", 1, 1.0)], peak: 1e11, overhead: 0);
        Assert.Equal(1.0, map["MatMul"]);                      // faster than the peak: clamped to 1
        Assert.Equal(OperatorEfficiencyFit.Floor, map["Sigmoid"]); // hopelessly slow: the floor
        // The overhead never takes more than half a probe's time: 1e6 / (1e11 · 0.5e-5) = 2 → 1.
        Assert.Equal(1.0, OperatorEfficiencyFit.Fit([("Add", 1e6, 1e-5)], 1e11, 1e-3)["Add"]);
    }

    [Theory]
    [InlineData(123456789012.0, 4, 123500000000.0)]
    [InlineData(0.0123456, 3, 0.0123)]
    [InlineData(0.99951, 3, 1.0)]
    [InlineData(2.5e-7, 3, 2.5e-7)]
    public void SignificantDigits(double x, int digits, double expected) =>
        Assert.Equal(expected, OperatorEfficiencyFit.Significant(x, digits));
}
