using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Tests.Planning;

/// <summary>The seed's whole-sub-model form (DESIGN.md, Eq. 1–8) against values worked out by hand.</summary>
public sealed class PaperCostModelTests
{
    private static readonly DeviceProfile Nano = SyntheticProblems.Device("nano", 472e9, 25.6e9) with { ComputeEfficiency = 0.5 };
    private static readonly DeviceProfile Nx = SyntheticProblems.Device("nx", 6e12, 51.2e9) with { ComputeEfficiency = 0.8 };

    [Fact]
    public void MemoryBoundPartRunsAtIntensityTimesBandwidth()
    {
        // I = 1e9 / 1e8 = 10 FLOP/B, below the Nano's fp16 ridge 472e9 / 25.6e9 = 18.4: attainable = 10 · 25.6e9 = 2.56e11; T = 1e9 / (0.5 · 2.56e11) = 7.8125 ms.
        Assert.Equal(7.8125e-3, StageCosts.PaperSeconds(Nano, Precision.Fp16, 1e9, 1e8), 12);
    }

    [Fact]
    public void ComputeBoundPartRunsAtPeak()
    {
        // I = 4e9 / 5e7 = 80 ≥ ridge 18.44: attainable = P = 472e9; T = 4e9 / (0.5 · 472e9) = 16.949 ms.
        Assert.Equal(4e9 / (0.5 * 472e9), StageCosts.PaperSeconds(Nano, Precision.Fp16, 4e9, 5e7), 12);
    }

    [Fact]
    public void PlanTimeIsPartOnePlusTransferPlusPartTwo()
    {
        // Two units: α = 1e9 / 3e9 of the FLOPs on the Nano, the rest on the NX; 1 MB crosses at 100 Mbps.
        var problem = new PlanningProblem
        {
            UnitNames = ["a", "b"],
            IsBlock = [false, false],
            UnitSeconds = [[[0, 0], [0, 0], [0, 0], [0, 0]], [[0, 0], [0, 0], [0, 0], [0, 0]]],
            UnitFlops = Enumerable.Repeat(new double[] { 1e9, 2e9 }, 4).ToArray(),
            UnitPaperBytes = Enumerable.Repeat(new double[] { 1e8, 1e7 }, 4).ToArray(),
            BaseFlops = [1e9, 2e9],
            BoundaryBytes = [602_112, 1_000_000, 4_000],
            Devices = [Nano, Nx],
            Precision = Precision.Fp16,
            Link = new LinkProfile(100e6, 0),
            CostModel = CostModelKind.Paper,
        };
        var score = PlanScore.Of(new StageCosts(problem), new PlanChoice([0], [FusionStrategy.S1, FusionStrategy.S1]));
        var t1 = 1e9 / (0.5 * 10 * 25.6e9);           // I1 = 10 < ridge: memory-bound
        var transfer = 1_000_000 * 8 / 100e6;         // D(p)/W = 80 ms
        var t2 = 2e9 / (0.8 * Math.Min(6e12, 200 * 51.2e9)); // I2 = 200 ≥ ridge 117: compute-bound
        Assert.Equal(t1 + transfer + t2, score.Latency, 12);
        Assert.Equal(Math.Max(t1, Math.Max(transfer, t2)), score.Period, 12);
    }
}
