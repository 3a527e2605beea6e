using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Devices.Import;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>The fit behind `devices import` on kernel times made by a known profile: exact, noisy, and with too little data.</summary>
public sealed class KernelProfileFitTests
{
    private static readonly DeviceProfile Nano = DeviceCatalog.Find("jetson-nano")!;

    private static readonly DeviceProfile Truth = Nano with
    {
        KernelOverhead = 50e-6,
        MemoryEfficiency = 0.4,
        OperatorEfficiency = new Dictionary<string, double> { ["Conv"] = 0.3 },
    };

    private static List<Kernel> Kernels() =>
        Analysis.Of(SampleModels.ResNet50()).Kernels.Kernels.Where(k => !k.IsFree).ToList();

    private static List<(IReadOnlyList<Kernel> Kernels, double Seconds)> Groups(IEnumerable<Kernel> kernels, Func<int, double> noise) =>
        kernels.Select((k, i) => ((IReadOnlyList<Kernel>)[k], KernelTime.Seconds(k, Truth, Precision.Fp16) * noise(i))).ToList();

    [Fact]
    public void ExactTimesAreRecoveredExactly()
    {
        var fit = KernelProfileFit.Run(Groups(Kernels(), _ => 1), Nano, Precision.Fp16);
        Assert.Equal(50e-6, fit.Overhead, 1e-9);
        Assert.True(fit.OverheadFitted);
        Assert.Equal(0.4, fit.MemoryEfficiency);
        Assert.Equal(0.3, Assert.Single(fit.Classes, c => c.OpType == "Conv").Efficiency);
        Assert.True(fit.RelativeRms < 1e-3, $"relative RMS {fit.RelativeRms}");
    }

    [Fact]
    public void NoisyTimesGiveFiguresNearTheTruth()
    {
        // ±8 % per layer, no pattern the model could follow.
        var fit = KernelProfileFit.Run(Groups(Kernels(), i => 1 + 0.08 * Math.Sin(i * 2.399)), Nano, Precision.Fp16);
        Assert.InRange(Assert.Single(fit.Classes, c => c.OpType == "Conv").Efficiency, 0.3 * 0.95, 0.3 * 1.05);
        Assert.InRange(fit.MemoryEfficiency!.Value, 0.4 * 0.85, 0.4 * 1.15);
        Assert.InRange(fit.Overhead, 50e-6 * 0.6, 50e-6 * 1.4);
        Assert.InRange(fit.RelativeRms, 0.02, 0.08);
    }

    [Fact]
    public void OneLayerKeepsTheStartingOverheadAndFitsItsClassAroundIt()
    {
        var conv = Kernels().First(k => k.OpType == "Conv");
        var fit = KernelProfileFit.Run([([conv], conv.Flops!.Value / (Nano.PeakFp16 * 0.25) + Nano.KernelOverhead)], Nano, Precision.Fp16);
        Assert.False(fit.OverheadFitted);
        Assert.Equal(Nano.KernelOverhead, fit.Overhead);
        Assert.Equal(0.25, Assert.Single(fit.Classes).Efficiency);
        Assert.Null(fit.MemoryEfficiency);
    }

    [Fact]
    public void TimesShorterThanTheOverheadCanExplainFixItAtZero()
    {
        // Every kernel at a third of its compute time and no launch cost: an intercept would come out negative.
        var convs = Kernels().Where(k => k.OpType == "Conv").Take(6).ToList();
        var groups = convs.Select(k => ((IReadOnlyList<Kernel>)[k], k.Flops!.Value / (Nano.PeakFp16 * 0.9) - 1e-6 * convs.IndexOf(k))).ToList();
        var fit = KernelProfileFit.Run(groups, Nano, Precision.Fp16);
        Assert.False(fit.OverheadFitted);
        Assert.Equal(0, fit.Overhead);
        Assert.InRange(Assert.Single(fit.Classes).Efficiency, 0.85, 1.0);
    }
}
