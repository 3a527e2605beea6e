using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Cost;

/// <summary>
/// The kernel-level time of a conv with a shape-aware efficiency: the conv's GEMM shape on its kernel, the curve
/// used where the profile has one (a 1×1 conv on 7×7 slower per FLOP than on 56×56 when the curve says so), and
/// exactly the op type's roofline where it has none.
/// </summary>
public sealed class ConvShapeKernelTimeTests
{
    private static readonly DeviceProfile Plain = new()
    {
        Name = "box",
        DisplayName = "box",
        PeakFp32 = 1e11,
        PeakFp16 = 1e11,
        PeakInt8 = 1e11,
        MemoryBandwidth = 1e15, // compute-bound: the efficiency alone sets the time
        KernelOverhead = 3e-6,
        OperatorEfficiency = new Dictionary<string, double> { ["Conv"] = 0.8 },
    };

    private static readonly DeviceProfile Curved = Plain with
    {
        ConvEfficiency = new ConvEfficiencyCurve(new Dictionary<string, IReadOnlyList<ConvEfficiencyPoint>>
        {
            [ConvEfficiencyCurve.Pointwise] = [new(49, 0.25), new(3136, 1.0)],
        }),
    };

    private static Kernel ConvKernel(long channels, long size, ConvSpec spec)
    {
        var analysis = ModelAnalysis.Run(LoadedModel.InMemory(ProbeModels.Conv(channels, size, spec)), "conv", ShapeBindings.Empty);
        return Assert.Single(analysis.KernelsFor(KernelRules.OnnxRuntimeCpu).Kernels);
    }

    private static double SecondsPerFlop(Kernel k, DeviceProfile d) => (KernelTime.Seconds(k, d, Precision.Fp32) - d.KernelOverhead) / k.Flops!.Value;

    [Fact]
    public void AConvKernelCarriesItsGemmShape()
    {
        var strided = ConvKernel(64, 56, new ConvSpec(128, 3, 2));
        Assert.Equal(new ConvGeometry(28 * 28, 128, 64 * 9, 9, 1) { Stride = 2 }, strided.Geometry);
        Assert.Equal(64, strided.Geometry!.InChannelsPerGroup);
        var depthwise = ConvKernel(64, 14, new ConvSpec(64, 3, Groups: 64));
        Assert.Equal(new ConvGeometry(14 * 14, 64, 9, 9, 64), depthwise.Geometry);
        var gemm = Assert.Single(ModelAnalysis.Run(LoadedModel.InMemory(ProbeModels.Gemm(256, 10)), "gemm", ShapeBindings.Empty)
            .KernelsFor(KernelRules.OnnxRuntimeCpu).Kernels);
        Assert.Null(gemm.Geometry);
    }

    [Fact]
    public void WithTheCurveA1x1ConvOnASmallMapCostsMorePerFlop()
    {
        var small = ConvKernel(512, 7, new ConvSpec(512, 1));
        var large = ConvKernel(512, 56, new ConvSpec(512, 1));
        Assert.Equal(4.0, SecondsPerFlop(small, Curved) / SecondsPerFlop(large, Curved), 9); // η 0.25 against 1
        Assert.Equal(small.Flops!.Value / (1e11 * 0.25) + 3e-6, KernelTime.Seconds(small, Curved, Precision.Fp32), 15);
        // A 3×3 conv: the curve has no kxk points, so the op type's 0.8.
        var spatial = ConvKernel(64, 7, new ConvSpec(64, 3));
        Assert.Equal(KernelTime.Seconds(spatial, Plain, Precision.Fp32), KernelTime.Seconds(spatial, Curved, Precision.Fp32));
    }

    [Fact]
    public void WithoutTheCurveEveryConvIsTimedAsBefore()
    {
        foreach (var k in new[] { ConvKernel(512, 7, new ConvSpec(512, 1)), ConvKernel(512, 56, new ConvSpec(512, 1)), ConvKernel(3, 224, new ConvSpec(64, 7, 2)) })
        {
            var before = Math.Max(k.Flops!.Value / (Plain.PeakFp32 * 0.8), k.Bytes / (Plain.MemoryBandwidth * Plain.MemoryEfficiency)) + Plain.KernelOverhead;
            Assert.Equal(before, KernelTime.Seconds(k, Plain, Precision.Fp32));
        }
        Assert.Equal(SecondsPerFlop(ConvKernel(512, 7, new ConvSpec(512, 1)), Plain), SecondsPerFlop(ConvKernel(512, 56, new ConvSpec(512, 1)), Plain), 15);
    }
}
